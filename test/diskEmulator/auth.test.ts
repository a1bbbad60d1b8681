// Authorization: `Authorization: OAuth <token>`, anything else is 401 UnauthorizedError with the
// service's exact body; upload and download links need no token (the link is the permission).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bytesOf, withEmulator } from './helpers.ts'

const test = suite('disk emulator: authorization')

// source: YADISK test_check_token.json — a wrong token gets 401 with exactly this body and
// `content-type: application/json` (99 bytes), on any endpoint (there: /v1/disk/operations/0000).
const UNAUTHORIZED = '{"message":"Не авторизован.","description":"Unauthorized","error":"UnauthorizedError"}'

test('no token, a wrong token, or another scheme: 401 UnauthorizedError, byte for byte as recorded', async () => {
  await withEmulator({}, async (emu) => {
    for (const [token, headers] of [
      [null, {}],
      ['asdasdasd', {}],
      [null, { authorization: 'Bearer emulator-test-token' }],
      [null, { authorization: 'OAuth' }],
    ] as const) {
      for (const path of ['/v1/disk', emu.api('/resources', { path: '/' }), '/v1/disk/operations/0000']) {
        const a = await emu.call('GET', path, { token, headers })
        assert.is(a.status, 401, `${path} with ${JSON.stringify({ token, headers })}`)
        assert.is(a.text, UNAUTHORIZED)
        assert.is(a.headers.get('content-type'), 'application/json')
        assert.is(a.headers.get('content-length'), '99')
      }
    }
  })
})

test('the right token is accepted; a write without it changes nothing', async () => {
  await withEmulator({}, async (emu) => {
    // source: qa plan TC-1.4 (PUT /resources without a token: 401 UnauthorizedError).
    const denied = await emu.call('PUT', emu.api('/resources', { path: 'x' }), { token: null })
    assert.is(denied.status, 401)
    assert.is((await emu.meta('x')).status, 404)
    assert.is((await emu.call('GET', '/v1/disk')).status, 200)
  })
})

test('upload and download links work without a token', async () => {
  await withEmulator({}, async (emu) => {
    // source: JAVA_SDK uploadFile removes the Authorization header before the PUT; YADISK
    // test_download_by_link_error.json GETs a download link with no headers at all.
    const put = await emu.upload('/a.txt', 'hello')
    assert.is(put.status, 201)
    const got = await emu.download('/a.txt')
    assert.is(new TextDecoder().decode(got.bytes), 'hello')
    assert.equal(bytesOf('hello'), got.bytes)
  })
})

test.run()
