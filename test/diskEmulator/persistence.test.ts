// `--data DIR`: the disk survives a restart (folders, files with their bytes and metadata, trash,
// pending operations); without it a restart starts empty.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { pattern, withEmulator } from './helpers.ts'

const test = suite('disk emulator: --data DIR')

test('folders, files, bytes, metadata and the trash survive a restart on the same directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'disk-emulator-'))
  try {
    const bytes = pattern(150_000)
    const before = await withEmulator({ dataDir: dir }, async (emu) => {
      await emu.mkdir('/docs')
      await emu.upload('/docs/report.bin', bytes)
      await emu.upload('/gone.txt', 'to the trash')
      await emu.call('DELETE', emu.api('/resources', { path: '/gone.txt' }))
      return { meta: (await emu.meta('/docs/report.bin')).json, info: (await emu.call('GET', '/v1/disk?fields=used_space,trash_size')).json }
    })
    await withEmulator({ dataDir: dir }, async (emu) => {
      const meta = (await emu.meta('/docs/report.bin')).json
      for (const key of ['size', 'md5', 'sha256', 'resource_id', 'created', 'modified', 'revision', 'path']) assert.equal(meta[key], before.meta[key], key)
      assert.equal((await emu.download('/docs/report.bin')).bytes, bytes)
      assert.equal((await emu.call('GET', '/v1/disk?fields=used_space,trash_size')).json, before.info)
      assert.is((await emu.meta('/gone.txt')).status, 404)
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a pending operation survives a restart and completes on time; deleted bytes leave the directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'disk-emulator-'))
  try {
    const op = await withEmulator({ dataDir: dir, opDurationMs: 10_000 }, async (emu) => {
      await emu.mkdir('/d')
      await emu.upload('/d/f.txt', 'x')
      return (await emu.call('DELETE', emu.api('/resources', { path: '/d', permanently: 'true' }))).json.href.replace(emu.url, '')
    })
    assert.is(readdirSync(join(dir, 'blobs')).length, 1)
    await withEmulator({ dataDir: dir }, async (emu) => {
      assert.is((await emu.status(op)).json.status, 'in-progress')
      emu.clock.advance(10_000)
      assert.is((await emu.status(op)).json.status, 'success')
      assert.is((await emu.meta('/d')).status, 404)
    })
    assert.equal(readdirSync(join(dir, 'blobs')), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('in memory (no --data), a restart starts with an empty disk', async () => {
  await withEmulator({}, async (emu) => {
    await emu.mkdir('/x')
  })
  await withEmulator({}, async (emu) => {
    assert.is((await emu.meta('/x')).status, 404)
  })
})

test.run()
