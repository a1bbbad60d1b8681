// Path forms: `disk:/a`, `/a` and `a` name the same resource; answers always say `disk:/a`;
// links encode the path as the service does; bad paths and missing parameters are 400.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { withEmulator } from './helpers.ts'

const test = suite('disk emulator: paths')

test('disk:/x, /x and x are one resource, always answered as disk:/x', async () => {
  await withEmulator({}, async (emu) => {
    // source: DOCS reference/copy, move, upload give paths as `%2Ffoo%2Fphoto.png` (/foo/photo.png);
    // qa plan TC-1.1 (PUT ?path=folderName answers href …path=disk%3A%2FfolderName); YADISK
    // recordings send and receive the disk:/ form.
    const made = await emu.call('PUT', emu.api('/resources', { path: 'folder name' }))
    assert.is(made.status, 201)
    // Recorded link encoding: `+` for a space, %3A and %2F (YADISK test_copy.json "nested+directory+1").
    assert.equal(made.json, { href: `${emu.url}/v1/disk/resources?path=disk%3A%2Ffolder+name`, method: 'GET', templated: false })
    for (const form of ['disk:/folder name', '/folder name', 'folder name', 'disk:/folder name/', '/folder name//']) {
      const a = await emu.meta(form)
      assert.is(a.status, 200, form)
      assert.is(a.json.path, 'disk:/folder name')
      assert.is(a.json.name, 'folder name')
      assert.is(a.json._embedded.path, 'disk:/folder name')
    }
    // source: YADISK test_rename.json asks `dir2/` (trailing slash) and gets the ordinary 404.
    assert.is((await emu.meta('disk:/missing/')).json.error, 'DiskNotFoundError')
  })
})

test('the root is disk:/ named "disk"', async () => {
  await withEmulator({}, async (emu) => {
    for (const form of ['disk:/', '/', 'disk:']) {
      const a = await emu.meta(form)
      assert.is(a.status, 200, form)
      assert.is(a.json.path, 'disk:/')
      assert.is(a.json.type, 'dir')
    }
  })
})

test('a missing or malformed path is 400 FieldValidationError naming the field', async () => {
  await withEmulator({}, async (emu) => {
    // source: name from ivknv/yadisk src/yadisk/utils.py EXCEPTION_MAP (400 FieldValidationError);
    // the words are the emulator's (docs/disk-emulator.md).
    const missing = await emu.call('GET', '/v1/disk/resources')
    assert.is(missing.status, 400)
    assert.equal(Object.keys(missing.json), ['message', 'description', 'error'])
    assert.is(missing.json.error, 'FieldValidationError')
    assert.match(missing.json.description, /"path"/)
    const copyNoFrom = await emu.call('POST', emu.api('/resources/copy', { path: '/b' }))
    assert.is(copyNoFrom.status, 400)
    assert.match(copyNoFrom.json.description, /"from"/)
    for (const bad of ['/a/../b', 'trash:/x', 'app:/x', `/${'n'.repeat(256)}`]) {
      const a = await emu.meta(bad)
      assert.is(a.status, 400, bad)
      assert.is(a.json.error, 'FieldValidationError')
    }
  })
})

test('a URL outside the emulated API is 404, a wrong method 405, both with the three-key body', async () => {
  await withEmulator({}, async (emu) => {
    const nowhere = await emu.call('GET', '/v1/disk/public/resources')
    assert.is(nowhere.status, 404)
    assert.equal(Object.keys(nowhere.json), ['message', 'description', 'error'])
    const wrong = await emu.call('PATCH', emu.api('/resources', { path: '/' }))
    assert.is(wrong.status, 405)
    assert.is(wrong.json.error, 'MethodNotAllowedError')
  })
})

test.run()
