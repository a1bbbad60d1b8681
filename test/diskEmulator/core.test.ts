// The core without any server: requests in, answers out, bytes pushed and pulled through the
// handles; the same inputs (seed, clock, requests) give the same answers, byte for byte. This is
// the shape a simulated node will wrap.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DiskEmulator, type DiskResponse } from '../../assignments/disk-client/emulator/index.ts'
import { START, bytesOf, pattern } from './helpers.ts'

const test = suite('disk emulator: the core alone')

const H = { authorization: 'OAuth t' }

function session(seed: number): string[] {
  let now = START
  const core = new DiskEmulator({ token: 't', now: () => now, seed, origin: 'http://sim.disk' })
  const log: string[] = []
  const call = (method: string, path: string): DiskResponse => {
    const r = core.api({ method, path, headers: H })
    log.push(`${r.status} ${r.body}`)
    return r
  }
  call('PUT', '/v1/disk/resources?path=%2Fd')
  const link = JSON.parse(call('GET', '/v1/disk/resources/upload?path=%2Fd%2Ff.txt').body) as { href: string }
  const up = core.openUpload(link.href.replace('http://sim.disk', ''), {})
  if (!('kind' in up)) throw new Error(`upload refused: ${up.body}`)
  up.write(bytesOf('hello '))
  up.write(bytesOf('world'))
  log.push(String(up.finish().status))
  const op = JSON.parse(call('POST', '/v1/disk/resources/copy?from=%2Fd&path=%2Fe').body) as { href: string }
  now += 1000
  call('GET', op.href.replace('http://sim.disk', ''))
  call('GET', '/v1/disk/resources?path=%2Fe')
  return log
}

test('the same seed and clock give the same answers, ids included; another seed other ids', () => {
  const a = session(1)
  assert.equal(session(1), a)
  assert.match(a.join('\n'), /"path":"disk:\/e\/f.txt"/)
  assert.not.equal(session(2), a)
})

test('bytes stream in and out in pieces; a download read is by offset', () => {
  const core = new DiskEmulator({ token: 't', now: () => START })
  const bytes = pattern(100_000)
  const link = JSON.parse(core.api({ method: 'GET', path: '/v1/disk/resources/upload?path=%2Fp.bin', headers: H }).body) as { href: string }
  const up = core.openUpload(new URL(link.href).pathname, { 'content-length': String(bytes.length) })
  if (!('kind' in up)) throw new Error(up.body)
  for (let at = 0; at < bytes.length; at += 7000) assert.is(up.write(bytes.subarray(at, at + 7000)), undefined)
  assert.is(up.finish().status, 201)
  const dl = JSON.parse(core.api({ method: 'GET', path: '/v1/disk/resources/download?path=%2Fp.bin', headers: H }).body) as { href: string }
  const url = new URL(dl.href)
  const down = core.openDownload(url.pathname + url.search, { range: 'bytes=10-' })
  if (!('kind' in down)) throw new Error(down.body)
  assert.is(down.status, 206)
  assert.is(down.length, bytes.length - 10)
  assert.equal(down.read(0, 5), bytes.subarray(10, 15))
  assert.equal(down.read(6990, 20), bytes.subarray(7000, 7020))
  assert.equal(down.read(down.length - 3, 100), bytes.subarray(bytes.length - 3))
})

test('operations complete by the injected clock only, and tick() / nextDueAt() let a host drive them', () => {
  let now = START
  const core = new DiskEmulator({ token: 't', now: () => now, opDurationMs: 2500 })
  core.api({ method: 'PUT', path: '/v1/disk/resources?path=%2Fd', headers: H })
  core.api({ method: 'PUT', path: '/v1/disk/resources?path=%2Fd%2Fe', headers: H })
  const op = JSON.parse(core.api({ method: 'DELETE', path: '/v1/disk/resources?path=%2Fd', headers: H }).body) as { href: string }
  assert.is(core.nextDueAt(), START + 2500)
  now += 2500
  core.tick()
  assert.is(core.nextDueAt(), undefined)
  assert.is(core.api({ method: 'GET', path: new URL(op.href).pathname, headers: H }).body, '{"status":"success"}')
})

test('options are checked at the door with one clear TypeError each', () => {
  assert.throws(() => new DiskEmulator({ token: '', now: () => 0 }), /options.token must be a non-empty string/)
  assert.throws(() => new DiskEmulator({ token: 't' } as never), /options.now must be a function/)
  assert.throws(() => new DiskEmulator({ token: 't', now: () => 0, quota: -1 }), /options.quota must be a non-negative integer/)
})

test.run()
