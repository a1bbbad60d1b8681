// Downloading: GET /v1/disk/resources/download gives a link; GET it for the bytes with the file's
// content-type and length; a single Range is honoured with 206 (or 416).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { pattern, withEmulator } from './helpers.ts'

const test = suite('disk emulator: download')

test('the download link is a Link; GET on it returns the same bytes, type and length', async () => {
  await withEmulator({}, async (emu) => {
    const bytes = pattern(1 << 20)
    await emu.upload('/zeroes.txt', bytes)
    // source: YADISK test_upload_and_download.json — the download link answer is {"href": …} on the
    // download host (filename, disposition=attachment, content_type, fsize in its query); the GET
    // answers 200, content-type text/plain, content-length 1048576.
    const link = await emu.call('GET', emu.api('/resources/download', { path: '/zeroes.txt' }))
    assert.is(link.status, 200)
    assert.equal(Object.keys(link.json), ['href', 'method', 'templated'])
    const href = new URL(link.json.href)
    assert.is(href.searchParams.get('filename'), 'zeroes.txt')
    assert.is(href.searchParams.get('disposition'), 'attachment')
    assert.is(href.searchParams.get('fsize'), String(bytes.length))
    const got = await emu.download('/zeroes.txt')
    assert.is(got.status, 200)
    assert.is(got.headers.get('content-type'), 'text/plain')
    assert.is(got.headers.get('content-length'), String(bytes.length))
    assert.equal(got.bytes, bytes)
    // The file's metadata carries the same link as `file` (YADISK test_copy.json file items have one).
    assert.is((await emu.meta('/zeroes.txt')).json.file, link.json.href)
  })
})

test('Range: 206 with Content-Range for bytes=a-b, a- and -n; 416 past the end', async () => {
  await withEmulator({}, async (emu) => {
    const bytes = pattern(10_000)
    await emu.upload('/f.bin', bytes)
    // source: JAVA_SDK downloadUrl resumes with `Range: bytes=N-`, takes 206 with Content-Range,
    // and knows 416 (RangeNotSatisfiableException); RFC 9110 §14 for the forms.
    const cases: Array<[string, number, number]> = [
      ['bytes=100-199', 100, 199],
      ['bytes=9000-', 9000, 9999],
      ['bytes=-10', 9990, 9999],
      ['bytes=9990-20000', 9990, 9999],
    ]
    for (const [range, start, end] of cases) {
      const got = await emu.download('/f.bin', { range })
      assert.is(got.status, 206, range)
      assert.is(got.headers.get('content-range'), `bytes ${start}-${end}/10000`)
      assert.equal(got.bytes, bytes.subarray(start, end + 1))
    }
    const past = await emu.download('/f.bin', { range: 'bytes=10000-' })
    assert.is(past.status, 416)
    assert.is(past.headers.get('content-range'), 'bytes */10000')
    assert.is((await emu.download('/f.bin', { range: 'bytes=1-2,5-6' })).status, 200)
  })
})

test('no such file: 404 on the link; a changed file makes an old link 410; a folder is not downloadable', async () => {
  await withEmulator({}, async (emu) => {
    const missing = await emu.call('GET', emu.api('/resources/download', { path: '/nothing' }))
    assert.is(missing.status, 404)
    assert.is(missing.json.error, 'DiskNotFoundError')
    await emu.upload('/f.txt', 'one')
    const old = (await emu.call('GET', emu.api('/resources/download', { path: '/f.txt' }))).json.href
    await emu.upload('/f.txt', 'two', true)
    assert.is((await fetch(old, { signal: AbortSignal.timeout(5000) })).status, 410)
    await emu.mkdir('/d')
    assert.is((await emu.call('GET', emu.api('/resources/download', { path: '/d' }))).status, 400)
    await emu.call('DELETE', emu.api('/resources', { path: '/f.txt' }))
    assert.is((await fetch(old, { signal: AbortSignal.timeout(5000) })).status, 404)
  })
})

test('HEAD on a download link: the headers without the body', async () => {
  await withEmulator({}, async (emu) => {
    await emu.upload('/f.txt', 'hello')
    const href = (await emu.call('GET', emu.api('/resources/download', { path: '/f.txt' }))).json.href
    const res = await fetch(href, { method: 'HEAD', signal: AbortSignal.timeout(5000) })
    assert.is(res.status, 200)
    assert.is(res.headers.get('content-length'), '5')
  })
})

test.run()
