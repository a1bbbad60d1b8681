// GET /v1/disk/resources: metadata of a file, or of a folder with `_embedded` (items, limit,
// offset, total, sort, path), paged with limit/offset and ordered by `sort`.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { withEmulator, type Emu } from './helpers.ts'

const test = suite('disk emulator: metadata and listing')

async function fill(emu: Emu): Promise<void> {
  await emu.mkdir('/d')
  await emu.mkdir('/d/zeta')
  emu.clock.advance(1000)
  await emu.upload('/d/alpha.txt', 'aaaaa')
  emu.clock.advance(1000)
  await emu.mkdir('/d/beta')
  emu.clock.advance(1000)
  await emu.upload('/d/gamma.bin', 'g')
}

const names = (answer: { json: { _embedded: { items: Array<{ name: string }> } } }): string[] => answer.json._embedded.items.map((i) => i.name)

test('a folder: the recorded keys, _embedded with limit 20 and offset 0 by default, folders first', async () => {
  await withEmulator({}, async (emu) => {
    await fill(emu)
    const a = await emu.meta('/d')
    assert.is(a.status, 200)
    // source: YADISK test_get_meta.json — key order of a folder and of `_embedded`, sort "" by default.
    assert.equal(Object.keys(a.json), ['_embedded', 'name', 'exif', 'resource_id', 'created', 'modified', 'path', 'comment_ids', 'type', 'revision'])
    assert.equal(Object.keys(a.json._embedded), ['sort', 'items', 'limit', 'offset', 'path', 'total'])
    assert.equal({ ...a.json._embedded, items: undefined }, { sort: '', items: undefined, limit: 20, offset: 0, path: 'disk:/d', total: 4 })
    // source: YADISK test_copy.json — with no sort two folders come before file.txt (which sorts first by name).
    assert.equal(names(a), ['beta', 'zeta', 'alpha.txt', 'gamma.bin'])
    assert.match(a.json.resource_id, /^\d+:[0-9a-f]{64}$/)
    assert.match(a.json.created, /^2024-07-06T19:22:31\+00:00$/)
    assert.type(a.json.revision, 'number')
  })
})

test('a file: the recorded keys with size, md5, sha256, mime_type, media_type and a download link', async () => {
  await withEmulator({}, async (emu) => {
    await fill(emu)
    const a = await emu.meta('/d/alpha.txt')
    // source: YADISK test_copy.json — a file item's keys in order (`sizes`, `preview` left out).
    assert.equal(Object.keys(a.json), ['antivirus_status', 'size', 'comment_ids', 'name', 'exif', 'created', 'resource_id', 'modified', 'mime_type', 'file', 'media_type', 'path', 'sha256', 'type', 'md5', 'revision'])
    assert.is(a.json.type, 'file')
    assert.is(a.json.size, 5)
    assert.is(a.json.mime_type, 'text/plain')
    assert.is(a.json.media_type, 'document')
    // md5 and sha256 of "aaaaa" as md5sum and sha256sum print them.
    assert.is(a.json.md5, '594f803b380a41396ed63dca39503542')
    assert.is(a.json.sha256, 'ed968e840d10d2d313a870bc131a4e2c311d7ad09bdf32b3418147221f51a6e2')
    assert.ok(!('_embedded' in a.json))
    // source: YADISK test_listdir_on_file.json — listing fields on a file give just {"type":"file"}.
    const asList = await emu.meta('/d/alpha.txt', { limit: '500', fields: 'type,_embedded,_embedded.offset,_embedded.limit,_embedded.total,_embedded.items' })
    assert.equal(asList.json, { type: 'file' })
  })
})

test('limit and offset page the listing; total stays the folder size', async () => {
  await withEmulator({}, async (emu) => {
    await fill(emu)
    // source: YADISK test_listdir_with_limits.json — limit=1 with offset 0, 1, 2 walks three
    // folders one at a time; total 3, limit 1, offset as asked.
    const fields = 'type,_embedded,_embedded.offset,_embedded.limit,_embedded.total,_embedded.items'
    const seen: string[] = []
    for (let offset = 0; offset < 5; offset++) {
      const a = await emu.meta('/d', { limit: '1', offset: String(offset), fields })
      assert.equal(Object.keys(a.json._embedded).sort(), ['items', 'limit', 'offset', 'total'])
      assert.is(a.json._embedded.total, 4)
      assert.is(a.json._embedded.limit, 1)
      assert.is(a.json._embedded.offset, offset)
      seen.push(...names(a))
    }
    assert.equal(seen, ['beta', 'zeta', 'alpha.txt', 'gamma.bin'])
    assert.equal(names(await emu.meta('/d', { limit: '2', offset: '1' })), ['zeta', 'alpha.txt'])
  })
})

test('sort by name, created, size, path, and reversed with "-"', async () => {
  await withEmulator({}, async (emu) => {
    await fill(emu)
    // source: the sort keys name, path, created, modified, size and "-" to reverse, as clients send
    // them: yantonov/yandex-disk-restapi-go sort_mode.go, rclone backend/yandex/api/types.go SortMode.
    assert.equal(names(await emu.meta('/d', { sort: 'name' })), ['alpha.txt', 'beta', 'gamma.bin', 'zeta'])
    assert.equal(names(await emu.meta('/d', { sort: '-name' })), ['zeta', 'gamma.bin', 'beta', 'alpha.txt'])
    assert.equal(names(await emu.meta('/d', { sort: 'created' })), ['zeta', 'alpha.txt', 'beta', 'gamma.bin'])
    assert.equal(names(await emu.meta('/d', { sort: '-size' })), ['alpha.txt', 'gamma.bin', 'zeta', 'beta'])
    assert.equal(names(await emu.meta('/d', { sort: 'path' })), ['alpha.txt', 'beta', 'gamma.bin', 'zeta'])
    assert.is((await emu.meta('/d', { sort: 'name' })).json._embedded.sort, 'name')
  })
})

test('bad limit, offset or sort: 400 FieldValidationError; a missing resource: 404 DiskNotFoundError', async () => {
  await withEmulator({}, async (emu) => {
    await fill(emu)
    const bad: Array<Record<string, string>> = [{ limit: '-1' }, { limit: 'ten' }, { offset: '1.5' }, { sort: 'colour' }]
    for (const params of bad) {
      const a = await emu.meta('/d', params)
      assert.is(a.status, 400, JSON.stringify(params))
      assert.is(a.json.error, 'FieldValidationError')
    }
    // source: YADISK test_mkdir_and_exists.json — exactly this 404 body, `content-type: application/json`.
    const missing = await emu.meta('/d/nothing')
    assert.is(missing.status, 404)
    assert.is(missing.text, '{"message":"Не удалось найти запрошенный ресурс.","description":"Resource not found.","error":"DiskNotFoundError"}')
    assert.is(missing.headers.get('content-type'), 'application/json')
  })
})

test.run()
