// PUT /v1/disk/resources: one folder at a time; 201 with a Link; 409 when a folder or a file is
// already there or when the parent is missing, each with the service's error name and words.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { withEmulator } from './helpers.ts'

const test = suite('disk emulator: mkdir')

test('mkdir answers 201 and a Link to the new folder; it is then a dir', async () => {
  await withEmulator({}, async (emu) => {
    // source: YADISK test_mkdir_and_exists.json — 201, `{"href":…,"method":"GET","templated":false}`, then GET ?fields=type → {"type":"dir"}.
    const a = await emu.call('PUT', emu.api('/resources', { path: 'disk:/YaDiskTest' }))
    assert.is(a.status, 201)
    assert.is(a.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.is(a.text, `{"href":"${emu.url}/v1/disk/resources?path=disk%3A%2FYaDiskTest","method":"GET","templated":false}`)
    assert.equal((await emu.meta('disk:/YaDiskTest', { fields: 'type' })).json, { type: 'dir' })
    const followed = await emu.call('GET', a.json.href)
    assert.is(followed.json.path, 'disk:/YaDiskTest')
  })
})

test('an existing folder: 409 DiskPathPointsToExistentDirectoryError, quoting the path as given', async () => {
  await withEmulator({}, async (emu) => {
    await emu.mkdir('/a')
    // source: YADISK test_makedirs_with_schema.json (disk:/ form) and qa plan TC-1.3 (path=folderName
    // is quoted as "folderName"): the exact words.
    for (const given of ['disk:/a', 'a']) {
      const again = await emu.call('PUT', emu.api('/resources', { path: given }))
      assert.is(again.status, 409)
      assert.is(again.text, `{"message":"По указанному пути \\"${given}\\" уже существует папка с таким именем.","description":"Specified path \\"${given}\\" points to existent directory.","error":"DiskPathPointsToExistentDirectoryError"}`)
    }
    assert.is((await emu.call('PUT', emu.api('/resources', { path: '/' }))).json.error, 'DiskPathPointsToExistentDirectoryError')
  })
})

test('a file in the way: 409 DiskResourceAlreadyExistsError', async () => {
  await withEmulator({}, async (emu) => {
    await emu.upload('/f.txt', 'x')
    // source: name from ivknv/yadisk utils.py EXCEPTION_MAP (409 → PathExistsError); words from qa plan TC-5.2.
    const a = await emu.call('PUT', emu.api('/resources', { path: '/f.txt' }))
    assert.is(a.status, 409)
    assert.equal(a.json, { message: 'Ресурс "/f.txt" уже существует.', description: 'Resource "/f.txt" already exists.', error: 'DiskResourceAlreadyExistsError' })
  })
})

test('a missing parent: 409 DiskPathDoesntExistsError naming the requested path', async () => {
  await withEmulator({}, async (emu) => {
    // source: YADISK test_makedirs_with_schema.json — PUT …/parent1/parent2/parent3/leaf_directory
    // with no parent1 answers 409 naming the leaf itself, in these words.
    const path = 'disk:/YaDiskTest/parent1/leaf_directory'
    const a = await emu.call('PUT', emu.api('/resources', { path }))
    assert.is(a.status, 409)
    assert.is(a.text, `{"message":"Указанного пути \\"${path}\\" не существует.","description":"Specified path \\"${path}\\" doesn't exists.","error":"DiskPathDoesntExistsError"}`)
    // A file is not a folder to make things in.
    await emu.upload('/f.txt', 'x')
    assert.is((await emu.call('PUT', emu.api('/resources', { path: '/f.txt/sub' }))).json.error, 'DiskPathDoesntExistsError')
  })
})

test.run()
