// Uploading: GET /v1/disk/resources/upload gives a link and an operation; PUT the bytes there;
// 201 and the file's metadata carries its size, md5 and sha256 computed as the bytes streamed.
import { createHash } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { pattern, withEmulator } from './helpers.ts'

const test = suite('disk emulator: upload')

test('the upload link has operation_id, href, method PUT and templated false', async () => {
  await withEmulator({}, async (emu) => {
    // source: YADISK test_get_upload_link_object.json — exactly these four keys, in this order,
    // the href on the uploader host as /upload-target/<stamp>.utd.<id>.
    const a = await emu.call('GET', emu.api('/resources/upload', { path: 'disk:/test.txt', overwrite: 'false' }))
    assert.is(a.status, 200)
    assert.equal(Object.keys(a.json), ['operation_id', 'href', 'method', 'templated'])
    assert.match(a.json.operation_id, /^[0-9a-f]{64}$/)
    assert.match(a.json.href, new RegExp(`^${emu.url}/upload-target/\\d{8}T\\d{6}\\.\\d{3}\\.utd\\.[0-9a-z]+-k[0-9a-z]+\\.\\d+$`))
    assert.is(a.json.method, 'PUT')
    assert.is(a.json.templated, false)
    // source: YADISK test_upload_url.json asks with fields=href and gets just {"href": …}.
    const only = await emu.call('GET', emu.api('/resources/upload', { path: 'disk:/test2.txt', fields: 'href' }))
    assert.equal(Object.keys(only.json), ['href'])
  })
})

test('PUT the bytes: 201; the operation goes in-progress → success; metadata has size, md5, sha256', async () => {
  await withEmulator({}, async (emu) => {
    const bytes = pattern(300_000)
    const link = await emu.call('GET', emu.api('/resources/upload', { path: '/zeroes.bin' }))
    const op = `${emu.url}/v1/disk/operations/${link.json.operation_id}`
    // source: YADISK test_get_upload_link_object.json — the operation reads in-progress before the
    // PUT and success after it; the PUT answers 201 with no body.
    assert.equal((await emu.status(`${op}?fields=status`)).json, { status: 'in-progress' })
    const put = await emu.call('PUT', link.json.href, { token: null, body: bytes })
    assert.is(put.status, 201)
    assert.is(put.text, '')
    assert.equal((await emu.status(op)).json, { status: 'success' })
    const meta = (await emu.meta('/zeroes.bin')).json
    assert.is(meta.size, bytes.length)
    assert.is(meta.md5, createHash('md5').update(bytes).digest('hex'))
    assert.is(meta.sha256, createHash('sha256').update(bytes).digest('hex'))
    assert.is(meta.mime_type, 'application/octet-stream')
    // A used link is spent.
    assert.is((await emu.call('PUT', link.json.href, { token: null, body: 'again' })).status, 410)
  })
})

test('an existing file: 409 DiskResourceAlreadyExistsError without overwrite; replaced with overwrite=true', async () => {
  await withEmulator({}, async (emu) => {
    assert.is((await emu.upload('/a.txt', 'first')).status, 201)
    // source: the 409 name on asking for an upload link is what clients check (ivknv/yadisk
    // utils.py EXCEPTION_MAP; DOCS reference/upload `overwrite`: "false: don't overwrite … (default)").
    const refused = await emu.call('GET', emu.api('/resources/upload', { path: '/a.txt' }))
    assert.is(refused.status, 409)
    assert.is(refused.json.error, 'DiskResourceAlreadyExistsError')
    assert.is((await emu.upload('/a.txt', 'second', true)).status, 201)
    assert.is(new TextDecoder().decode((await emu.download('/a.txt')).bytes), 'second')
    assert.is((await emu.meta('/a.txt')).json.size, 6)
  })
})

test('no parent folder: 409 DiskPathDoesntExistsError; a folder at the path: 409; an empty file is fine', async () => {
  await withEmulator({}, async (emu) => {
    const noParent = await emu.call('GET', emu.api('/resources/upload', { path: '/no/such/file.txt' }))
    assert.is(noParent.status, 409)
    assert.is(noParent.json.error, 'DiskPathDoesntExistsError')
    await emu.mkdir('/d')
    assert.is((await emu.call('GET', emu.api('/resources/upload', { path: '/d', overwrite: 'true' }))).json.error, 'DiskPathPointsToExistentDirectoryError')
    assert.is((await emu.upload('/empty.txt', new Uint8Array(0))).status, 201)
    assert.is((await emu.meta('/empty.txt')).json.md5, 'd41d8cd98f00b204e9800998ecf8427e')
  })
})

test('an unknown or expired link; Content-Range (resuming) is not emulated', async () => {
  await withEmulator({ uploadLinkTtlMs: 60_000 }, async (emu) => {
    assert.is((await emu.call('PUT', `${emu.url}/upload-target/nothing`, { token: null, body: 'x' })).status, 404)
    const link = await emu.call('GET', emu.api('/resources/upload', { path: '/late.txt' }))
    // source: JAVA_SDK uploadFile sends Content-Range only to resume, and lists 412 among the uploader's answers.
    assert.is((await emu.call('PUT', link.json.href, { token: null, body: 'x', headers: { 'content-range': 'bytes 0-0/1' } })).status, 412)
    emu.clock.advance(60_001)
    assert.is((await emu.call('PUT', link.json.href, { token: null, body: 'x' })).status, 410)
    // The link's operation ends failed: nothing was uploaded in time.
    assert.is((await emu.status(`/v1/disk/operations/${link.json.operation_id}`)).json.status, 'failed')
  })
})

test.run()
