// Injected faults against the real server: 429 with Retry-After, 5xx on chosen requests (by
// count, by endpoint or path, by a seeded share), added latency, slow and failing operations,
// an upload accepted with 202. Resets mid-body are in resets.test.ts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { withEmulator, type Emu } from './helpers.ts'

const test = suite('disk emulator: injected faults')

const statuses = async (emu: Emu, n: number, path = '/v1/disk'): Promise<number[]> => {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await emu.call('GET', path)).status)
  return out
}

test('429@3: the third API request answers 429 TooManyRequestsError with Retry-After', async () => {
  // source: ivknv/yadisk utils.py EXCEPTION_MAP (429 → TooManyRequestsError); rclone
  // backend/yandex/yandex.go retries 429; the issue asks for Retry-After (default 1 s, `:N` sets it).
  await withEmulator({ faults: '429@3,429@5:7' }, async (emu) => {
    const got: Array<[number, string | null]> = []
    for (let i = 0; i < 6; i++) {
      const a = await emu.call('GET', '/v1/disk')
      got.push([a.status, a.headers.get('retry-after')])
      if (a.status === 429) assert.equal(Object.keys(a.json), ['message', 'description', 'error'])
      if (a.status === 429) assert.is(a.json.error, 'TooManyRequestsError')
    }
    assert.equal(got, [
      [200, null],
      [200, null],
      [429, '1'],
      [200, null],
      [429, '7'],
      [200, null],
    ])
  })
})

test('500/503 by count range, by endpoint and by path pattern', async () => {
  await withEmulator({ faults: '503@2-3,500@copy#1,503@/v1/disk/resources/move#*' }, async (emu) => {
    assert.equal(await statuses(emu, 4), [200, 503, 503, 200])
    await emu.upload('/a.txt', 'a')
    const copy1 = await emu.call('POST', emu.api('/resources/copy', { from: '/a.txt', path: '/b.txt' }))
    assert.is(copy1.status, 500)
    assert.is(copy1.json.error, 'InternalServerError')
    assert.is((await emu.call('POST', emu.api('/resources/copy', { from: '/a.txt', path: '/b.txt' }))).status, 201)
    for (let i = 0; i < 2; i++) assert.is((await emu.call('POST', emu.api('/resources/move', { from: '/a.txt', path: '/c.txt' }))).status, 503)
    // A refused request changed nothing.
    assert.is((await emu.meta('/a.txt')).status, 200)
  })
})

test('a seeded share: the same seed gives the same pattern, another seed another', async () => {
  const run = (seed: number): Promise<number[]> => withEmulator({ faults: `503@30%,seed:${seed}` }, (emu) => statuses(emu, 40))
  const a = await run(7)
  assert.equal(await run(7), a)
  const failed = a.filter((s) => s === 503).length
  assert.ok(failed > 3 && failed < 25, `about 30% of 40 failed (${failed})`)
  assert.not.equal(await run(8), a)
})

test('a 5xx on the download host is its nginx HTML page, as recorded', async () => {
  await withEmulator({ faults: '500@download#1' }, async (emu) => {
    await emu.upload('/f.txt', 'x')
    // source: YADISK test_download_by_link_error.json — 500, content-type text/html, this exact page.
    const first = await emu.download('/f.txt')
    assert.is(first.status, 500)
    assert.is(first.headers.get('content-type'), 'text/html')
    assert.is(new TextDecoder().decode(first.bytes), '<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n')
    assert.is((await emu.download('/f.txt')).status, 200)
  })
})

test('latency: every answer waits the given time (the adapter waits, the core reports it)', async () => {
  await withEmulator({ latencyMs: 60, faults: 'delay@meta#1:100' }, async (emu) => {
    let t = performance.now()
    assert.is((await emu.call('GET', '/v1/disk')).status, 200)
    assert.ok(performance.now() - t >= 55, 'latency applied')
    t = performance.now()
    await emu.meta('/')
    assert.ok(performance.now() - t >= 150, 'latency plus the delay rule')
    const { emulator } = emu.running
    assert.is(emulator.api({ method: 'GET', path: '/v1/disk', headers: {} }).delayMs, 60)
  })
})

test('slow-ops: an operation stays in-progress for the given time on the injected clock', async () => {
  await withEmulator({ faults: 'slow-ops:5000' }, async (emu) => {
    await emu.mkdir('/d')
    await emu.upload('/d/f.txt', 'x')
    const op = (await emu.call('POST', emu.api('/resources/copy', { from: '/d', path: '/e' }))).json.href
    for (const step of [0, 1000, 2000, 1999]) {
      emu.clock.advance(step)
      assert.is((await emu.status(op)).json.status, 'in-progress')
    }
    emu.clock.advance(1)
    assert.is((await emu.status(op)).json.status, 'success')
  })
})

test('fail-op@1: the first operation ends failed and changes nothing; the next succeeds', async () => {
  await withEmulator({ faults: 'fail-op@1' }, async (emu) => {
    await emu.mkdir('/d')
    await emu.upload('/d/f.txt', 'x')
    // source: DOCS reference/operations — "failed: the operation failed; try repeating the original request".
    const first = (await emu.call('POST', emu.api('/resources/move', { from: '/d', path: '/e' }))).json.href
    emu.clock.advance(1000)
    assert.equal((await emu.status(first)).json, { status: 'failed' })
    assert.is((await emu.meta('/d/f.txt')).status, 200)
    assert.is((await emu.meta('/e')).status, 404)
    const second = (await emu.call('POST', emu.api('/resources/move', { from: '/d', path: '/e' }))).json.href
    emu.clock.advance(1000)
    assert.is((await emu.status(second)).json.status, 'success')
    assert.is((await emu.meta('/e/f.txt')).status, 200)
  })
})

test('202@upload#1: the upload is accepted and the file lands when its operation completes', async () => {
  await withEmulator({ faults: '202@upload#1' }, async (emu) => {
    // source: JAVA_SDK uploadFile treats 201 and 202 from the uploader as success (202: received,
    // not yet stored); the emulator lands the file when the link's operation completes.
    const link = await emu.call('GET', emu.api('/resources/upload', { path: '/late.txt' }))
    const put = await emu.call('PUT', link.json.href, { token: null, body: 'later' })
    assert.is(put.status, 202)
    const op = `/v1/disk/operations/${link.json.operation_id}`
    assert.is((await emu.status(op)).json.status, 'in-progress')
    assert.is((await emu.meta('/late.txt')).status, 404)
    emu.clock.advance(1000)
    assert.is((await emu.status(op)).json.status, 'success')
    assert.is((await emu.meta('/late.txt')).json.size, 5)
  })
})

test('an operation id that never existed: 404 DiskOperationNotFoundError, byte for byte', async () => {
  await withEmulator({}, async (emu) => {
    // source: YADISK test_check_token.json — GET /v1/disk/operations/0000 (the double space is the service's).
    const a = await emu.call('GET', '/v1/disk/operations/0000?fields=status')
    assert.is(a.status, 404)
    assert.is(a.text, '{"message":"Не удалось найти  операцию.","description":"Operation not found.","error":"DiskOperationNotFoundError"}')
  })
})

test.run()
