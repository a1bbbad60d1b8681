// Space: 507 when a file would not fit (checked when the upload starts, as it streams, and when
// it ends), 413 when it is bigger than max_file_size, and a copy that would not fit is 507 too.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BOUND_MS, withEmulator } from './helpers.ts'

const test = suite('disk emulator: quota and size limits')

test('an upload bigger than the free space: 507 InsufficientStorageError, nothing stored', async () => {
  await withEmulator({ quota: 1000 }, async (emu) => {
    // source: DOCS (WebDAV reference/put): "At the beginning and end of uploading the file, the
    // service checks whether the file exceeds the space available … 507 Insufficient Storage";
    // JAVA_SDK uploadFile lists 507 (InsufficientStorageException).
    const put = await emu.upload('/big.bin', new Uint8Array(1001))
    assert.is(put.status, 507)
    assert.is(put.json.error, 'InsufficientStorageError')
    assert.is((await emu.meta('/big.bin')).status, 404)
    assert.is((await emu.call('GET', '/v1/disk?fields=used_space')).json.used_space, 0)
    assert.is((await emu.upload('/fits.bin', new Uint8Array(1000))).status, 201)
    // A full disk refuses even the link.
    const link = await emu.call('GET', emu.api('/resources/upload', { path: '/more.bin' }))
    assert.is(link.status, 507)
  })
})

test('a streamed upload without Content-Length is refused as soon as it passes the free space', async () => {
  await withEmulator({ quota: 100_000 }, async (emu) => {
    const link = await emu.call('GET', emu.api('/resources/upload', { path: '/stream.bin' }))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 400_000) return controller.close()
        sent += 50_000
        controller.enqueue(new Uint8Array(50_000))
      },
    })
    const res = await fetch(link.json.href, { method: 'PUT', body, duplex: 'half', signal: AbortSignal.timeout(BOUND_MS) } as RequestInit).catch((err: Error) => err)
    // Either the 507 arrives, or the connection closes under the still-sending client; never a 201.
    if (!(res instanceof Error)) assert.is(res.status, 507)
    assert.is((await emu.meta('/stream.bin')).status, 404)
  })
})

test('bigger than max_file_size: 413; a copy that would not fit: 507', async () => {
  await withEmulator({ maxFileSize: 500, quota: 1500 }, async (emu) => {
    // source: JAVA_SDK uploadFile maps 413 to FileTooBigException; max_file_size is a disk info field (YADISK test_get_disk_info.json).
    const tooBig = await emu.upload('/huge.bin', new Uint8Array(501))
    assert.is(tooBig.status, 413)
    assert.is(tooBig.json.error, 'PayloadTooLargeError')
    assert.is((await emu.upload('/a.bin', new Uint8Array(500))).status, 201)
    assert.is((await emu.upload('/b.bin', new Uint8Array(500))).status, 201)
    assert.is((await emu.call('POST', emu.api('/resources/copy', { from: '/a.bin', path: '/c.bin' }))).status, 201)
    const full = await emu.call('POST', emu.api('/resources/copy', { from: '/a.bin', path: '/d.bin' }))
    assert.is(full.status, 507)
    assert.is(full.json.error, 'InsufficientStorageError')
    // Moving needs no new space.
    assert.is((await emu.call('POST', emu.api('/resources/move', { from: '/a.bin', path: '/e.bin' }))).status, 201)
  })
})

test.run()
