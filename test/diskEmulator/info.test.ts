// GET /v1/disk: the account's space as the service reports it, kept true as files come and go.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { withEmulator } from './helpers.ts'

const test = suite('disk emulator: disk info')

test('disk info has the recorded fields and types', async () => {
  await withEmulator({ quota: 5000 }, async (emu) => {
    // source: YADISK test_get_disk_info.json (max_file_size 1073741824 on a free account,
    // total_space, used_space, trash_size, reg_time, is_paid, system_folders, user, revision);
    // rclone backend/yandex/api/types.go reads total_space, used_space, trash_size.
    const a = await emu.call('GET', '/v1/disk')
    assert.is(a.status, 200)
    assert.is(a.headers.get('content-type'), 'application/json; charset=utf-8')
    const info = a.json
    for (const key of ['max_file_size', 'paid_max_file_size', 'total_space', 'reg_time', 'trash_size', 'is_paid', 'used_space', 'system_folders', 'user', 'unlimited_autoupload_enabled', 'revision']) {
      assert.ok(key in info, `disk info has ${key}`)
    }
    assert.is(info.total_space, 5000)
    assert.is(info.max_file_size, 1073741824)
    assert.is(info.used_space, 0)
    assert.is(info.trash_size, 0)
    assert.match(info.reg_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/)
    assert.type(info.user.uid, 'string')
    assert.is(info.system_folders.downloads, 'disk:/Загрузки/')
  })
})

test('used_space counts files and the trash; trash_size the trash; fields= keeps only the named keys', async () => {
  await withEmulator({}, async (emu) => {
    await emu.upload('/a.bin', new Uint8Array(100))
    await emu.upload('/b.bin', new Uint8Array(30))
    const space = async (): Promise<unknown> => (await emu.call('GET', '/v1/disk?fields=used_space,trash_size')).json
    assert.equal(await space(), { used_space: 130, trash_size: 0 })
    // source: DOCS reference/delete: "moving resources to Trash doesn't increase available space".
    assert.is((await emu.call('DELETE', emu.api('/resources', { path: '/a.bin' }))).status, 204)
    assert.equal(await space(), { used_space: 130, trash_size: 100 })
    assert.is((await emu.call('DELETE', emu.api('/resources', { path: '/b.bin', permanently: 'true' }))).status, 204)
    assert.equal(await space(), { used_space: 100, trash_size: 100 })
    // source: DOCS reference/trash-delete: DELETE /v1/disk/trash/resources empties it (204 or 202).
    const emptied = await emu.call('DELETE', '/v1/disk/trash/resources')
    assert.is(emptied.status, 202)
    emu.clock.advance(1000)
    assert.is((await emu.status(emptied.json.href)).json.status, 'success')
    assert.equal(await space(), { used_space: 0, trash_size: 0 })
    assert.is((await emu.call('DELETE', '/v1/disk/trash/resources')).status, 204)
  })
})

test.run()
