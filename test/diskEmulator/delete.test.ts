// DELETE /v1/disk/resources: a file or an empty folder is gone at once (204); a non-empty folder
// (or force_async=true) answers 202 and an operation polled until `success`; `permanently`
// decides between the trash and freeing the space; a folder being deleted is locked (423).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { withEmulator } from './helpers.ts'

const test = suite('disk emulator: delete')

test('a file or an empty folder: 204 with an empty body, at once', async () => {
  await withEmulator({}, async (emu) => {
    await emu.mkdir('/empty')
    await emu.upload('/f.txt', 'x')
    // source: YADISK test_mkdir_and_exists.json — DELETE of an empty folder: 204, content-length 0,
    // content-type application/json; charset=utf-8; then GET → 404. DOCS reference/delete: "File or
    // empty folder: 204 No Content … without a response body".
    for (const path of ['/empty', '/f.txt']) {
      const a = await emu.call('DELETE', emu.api('/resources', { path, permanently: 'true' }))
      assert.is(a.status, 204, path)
      assert.is(a.text, '')
      assert.is(a.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.is((await emu.meta(path)).status, 404)
    }
  })
})

test('a non-empty folder: 202 and an operation, in-progress until its time, then success', async () => {
  await withEmulator({ opDurationMs: 3000 }, async (emu) => {
    await emu.mkdir('/d')
    await emu.upload('/d/f.txt', 'x')
    // source: YADISK test_listdir_with_limits.json — DELETE of a non-empty folder: 202 and
    // {"href":".../v1/disk/operations/<64 hex>","method":"GET","templated":false}; polls read
    // {"status":"in-progress"} then {"status":"success"}. DOCS reference/operations.
    const a = await emu.call('DELETE', emu.api('/resources', { path: '/d', permanently: 'true' }))
    assert.is(a.status, 202)
    assert.match(a.json.href, new RegExp(`^${emu.url}/v1/disk/operations/[0-9a-f]{64}$`))
    assert.equal({ ...a.json, href: '' }, { href: '', method: 'GET', templated: false })
    assert.equal((await emu.status(`${a.json.href}?fields=status`)).json, { status: 'in-progress' })
    // Until then the folder is still there (a client that does not poll sees it).
    assert.is((await emu.meta('/d')).status, 200)
    emu.clock.advance(2999)
    assert.is((await emu.status(a.json.href)).json.status, 'in-progress')
    emu.clock.advance(1)
    assert.equal((await emu.status(a.json.href)).json, { status: 'success' })
    assert.is((await emu.meta('/d')).status, 404)
    // Polling again keeps answering success (YADISK test_wait_for_operation.json polls twice).
    assert.is((await emu.status(a.json.href)).json.status, 'success')
  })
})

test('force_async=true makes even an empty folder a 202 operation', async () => {
  await withEmulator({}, async (emu) => {
    await emu.mkdir('/directory')
    // source: YADISK test_wait_for_operation.json — DELETE …&permanently=true&force_async=true of an empty folder: 202.
    const a = await emu.call('DELETE', emu.api('/resources', { path: '/directory', permanently: 'true', force_async: 'true' }))
    assert.is(a.status, 202)
    emu.clock.advance(1000)
    assert.is((await emu.status(a.json.href)).json.status, 'success')
  })
})

test('while a folder is being deleted it is locked: 423 DiskResourceLockedError for writes in it', async () => {
  await withEmulator({ opDurationMs: 5000 }, async (emu) => {
    await emu.mkdir('/d')
    await emu.upload('/d/f.txt', 'x')
    const del = await emu.call('DELETE', emu.api('/resources', { path: '/d' }))
    assert.is(del.status, 202)
    // source: name from ivknv/yadisk utils.py EXCEPTION_MAP (423 DiskResourceLockedError → ResourceIsLockedError).
    for (const [method, path] of [
      ['PUT', emu.api('/resources', { path: '/d/new' })],
      ['DELETE', emu.api('/resources', { path: '/d/f.txt' })],
      ['GET', emu.api('/resources/upload', { path: '/d/g.txt' })],
      ['POST', emu.api('/resources/move', { from: '/d/f.txt', path: '/g.txt' })],
    ] as const) {
      const a = await emu.call(method, path)
      assert.is(a.status, 423, `${method} ${path}`)
      assert.is(a.json.error, 'DiskResourceLockedError')
    }
    emu.clock.advance(5000)
    assert.is((await emu.call('PUT', emu.api('/resources', { path: '/d2' }))).status, 201)
  })
})

test('not there: 404; the root cannot be deleted: 400', async () => {
  await withEmulator({}, async (emu) => {
    // source: qa plan TC-2.4 (DELETE of a missing folder: 404 DiskNotFoundError "Resource not found.").
    const a = await emu.call('DELETE', emu.api('/resources', { path: '/nothing' }))
    assert.is(a.status, 404)
    assert.is(a.json.error, 'DiskNotFoundError')
    assert.is((await emu.call('DELETE', emu.api('/resources', { path: '/' }))).status, 400)
  })
})

test.run()
