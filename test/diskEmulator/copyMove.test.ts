// POST /v1/disk/resources/copy and /move: `from`, `path`, `overwrite`. A file or an empty folder
// answers 201 and a Link at once; a non-empty folder 202 and an operation; an existing target
// without overwrite is 409; a missing source 404; a missing target folder 409.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { withEmulator } from './helpers.ts'

const test = suite('disk emulator: copy and move')

test('copy a file: 201 and a Link to the copy; same bytes, new resource', async () => {
  await withEmulator({}, async (emu) => {
    await emu.mkdir('/input_data')
    await emu.mkdir('/output_data')
    await emu.upload('/input_data/data.txt', 'username=Petr\n')
    // source: qa plan TC-5.1 — POST copy from=input_data/data.txt path=output_data/data.txt: 201,
    // href …path=disk%3A%2Foutput_data%2Fdata.txt. DOCS reference/copy: "File or empty folder: 201".
    const a = await emu.call('POST', emu.api('/resources/copy', { from: 'input_data/data.txt', path: 'output_data/data.txt' }))
    assert.is(a.status, 201)
    assert.equal(a.json, { href: `${emu.url}/v1/disk/resources?path=disk%3A%2Foutput_data%2Fdata.txt`, method: 'GET', templated: false })
    const [src, dst] = [(await emu.meta('/input_data/data.txt')).json, (await emu.meta('/output_data/data.txt')).json]
    assert.is(dst.md5, src.md5)
    assert.is(dst.size, src.size)
    assert.is.not(dst.resource_id, src.resource_id)
    assert.is(new TextDecoder().decode((await emu.download('/output_data/data.txt')).bytes), 'username=Petr\n')
  })
})

test('copy onto an existing file: 409 without overwrite, 201 with overwrite=true', async () => {
  await withEmulator({}, async (emu) => {
    await emu.mkdir('/input_data')
    await emu.mkdir('/output_data')
    await emu.upload('/input_data/data.txt', 'new')
    await emu.upload('/output_data/data.txt', 'old')
    // source: qa plan TC-5.2 — the same copy again: 409 and exactly this body, quoting the path as given.
    const refused = await emu.call('POST', emu.api('/resources/copy', { from: 'input_data/data.txt', path: 'output_data/data.txt' }))
    assert.is(refused.status, 409)
    assert.equal(refused.json, { message: 'Ресурс "output_data/data.txt" уже существует.', description: 'Resource "output_data/data.txt" already exists.', error: 'DiskResourceAlreadyExistsError' })
    assert.is(new TextDecoder().decode((await emu.download('/output_data/data.txt')).bytes), 'old')
    // source: DOCS reference/copy `overwrite`: "true: copy the resource and delete the existing file".
    const forced = await emu.call('POST', emu.api('/resources/copy', { from: '/input_data/data.txt', path: '/output_data/data.txt', overwrite: 'true' }))
    assert.is(forced.status, 201)
    assert.is(new TextDecoder().decode((await emu.download('/output_data/data.txt')).bytes), 'new')
  })
})

test('copy a non-empty folder: 202, the copy appears when the operation succeeds', async () => {
  await withEmulator({ opDurationMs: 2000 }, async (emu) => {
    await emu.mkdir('/directory_to_copy')
    await emu.upload('/directory_to_copy/file.txt', 'example text')
    await emu.mkdir('/directory_to_copy/nested directory 1')
    // source: YADISK test_copy.json — copy of a folder holding file.txt and two folders: 202 and an
    // operation link; in-progress, then success; then the copy lists the same three items.
    const a = await emu.call('POST', emu.api('/resources/copy', { from: 'disk:/directory_to_copy', path: 'disk:/directory_copy', overwrite: 'false', force_async: 'false' }))
    assert.is(a.status, 202)
    assert.match(a.json.href, /\/v1\/disk\/operations\/[0-9a-f]{64}$/)
    assert.is((await emu.status(a.json.href)).json.status, 'in-progress')
    assert.is((await emu.meta('/directory_copy')).status, 404)
    emu.clock.advance(2000)
    assert.is((await emu.status(a.json.href)).json.status, 'success')
    const copy = await emu.meta('/directory_copy')
    assert.equal(copy.json._embedded.items.map((i: { path: string }) => i.path), ['disk:/directory_copy/nested directory 1', 'disk:/directory_copy/file.txt'])
    assert.is((await emu.meta('/directory_to_copy/file.txt')).status, 200)
  })
})

test('move a file renames it; move an empty folder: 201 at once; a non-empty one: 202', async () => {
  await withEmulator({}, async (emu) => {
    await emu.upload('/file1.txt', 'one')
    const id = (await emu.meta('/file1.txt')).json.resource_id
    // The seed's example: `disk-client mv /file1.txt /file2.txt` renames file1.txt in the root.
    const a = await emu.call('POST', emu.api('/resources/move', { from: '/file1.txt', path: '/file2.txt' }))
    assert.is(a.status, 201)
    assert.is(a.json.href, `${emu.url}/v1/disk/resources?path=disk%3A%2Ffile2.txt`)
    assert.is((await emu.meta('/file1.txt')).status, 404)
    assert.is((await emu.meta('/file2.txt')).json.resource_id, id)
    // source: YADISK test_move.json — move of an empty folder dir1 → dir2: 201 with the Link, then {"type":"dir"}.
    await emu.mkdir('/dir1')
    const b = await emu.call('POST', emu.api('/resources/move', { from: 'disk:/dir1', path: 'disk:/dir2', overwrite: 'false', force_async: 'false' }))
    assert.is(b.status, 201)
    assert.equal((await emu.meta('/dir2', { fields: 'type' })).json, { type: 'dir' })
    await emu.upload('/dir2/x.txt', 'x')
    const c = await emu.call('POST', emu.api('/resources/move', { from: '/dir2', path: '/dir3' }))
    assert.is(c.status, 202)
    emu.clock.advance(1000)
    assert.is((await emu.status(c.json.href)).json.status, 'success')
    assert.is((await emu.meta('/dir3/x.txt')).status, 200)
    assert.is((await emu.meta('/dir2')).status, 404)
  })
})

test('move onto an existing name: 409 without overwrite; with it the target is replaced', async () => {
  await withEmulator({}, async (emu) => {
    await emu.upload('/a.txt', 'a')
    await emu.upload('/b.txt', 'b')
    const refused = await emu.call('POST', emu.api('/resources/move', { from: '/a.txt', path: '/b.txt' }))
    assert.is(refused.status, 409)
    assert.is(refused.json.error, 'DiskResourceAlreadyExistsError')
    assert.is((await emu.call('POST', emu.api('/resources/move', { from: '/a.txt', path: '/b.txt', overwrite: 'true' }))).status, 201)
    assert.is(new TextDecoder().decode((await emu.download('/b.txt')).bytes), 'a')
    assert.is((await emu.meta('/a.txt')).status, 404)
  })
})

test('a missing source: 404; a missing target folder: 409 DiskPathDoesntExistsError; into itself: 409', async () => {
  await withEmulator({}, async (emu) => {
    await emu.mkdir('/d')
    for (const op of ['copy', 'move']) {
      const gone = await emu.call('POST', emu.api(`/resources/${op}`, { from: '/nothing', path: '/x' }))
      assert.is(gone.status, 404, op)
      assert.is(gone.json.error, 'DiskNotFoundError')
      const noParent = await emu.call('POST', emu.api(`/resources/${op}`, { from: '/d', path: '/no/such/d' }))
      assert.is(noParent.status, 409, op)
      assert.is(noParent.json.error, 'DiskPathDoesntExistsError')
      const inside = await emu.call('POST', emu.api(`/resources/${op}`, { from: '/d', path: '/d/sub' }))
      assert.is(inside.status, 409, op)
    }
  })
})

test.run()
