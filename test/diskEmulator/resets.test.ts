// Connections cut mid-body: the core says "after N bytes", the server cuts there. A cut upload
// stores nothing and its link can be used again; a cut download delivers exactly N bytes, then
// the body fails (never a silently short file).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BOUND_MS, pattern, withEmulator } from './helpers.ts'

const test = suite('disk emulator: resets mid-body')

test('reset-download@1:4096: the first download stops after 4096 bytes with an error; the second is whole', async () => {
  await withEmulator({ faults: 'reset-download@1:4096' }, async (emu) => {
    const bytes = pattern(200_000)
    await emu.upload('/big.bin', bytes)
    const href = (await emu.call('GET', emu.api('/resources/download', { path: '/big.bin' }))).json.href
    const res = await fetch(href, { signal: AbortSignal.timeout(BOUND_MS) })
    assert.is(res.status, 200)
    assert.is(res.headers.get('content-length'), String(bytes.length))
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    let received = 0
    let failure: unknown
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        received += value.length
      }
    } catch (err) {
      failure = err
    }
    assert.ok(failure !== undefined, 'the body ends in an error, not a short success')
    assert.is(received, 4096)
    const again = await emu.download('/big.bin')
    assert.equal(again.bytes, bytes)
  })
})

test('reset-download@1:0: cut right after the headers', async () => {
  await withEmulator({ faults: 'reset-download@1:0' }, async (emu) => {
    await emu.upload('/f.bin', pattern(10_000))
    const href = (await emu.call('GET', emu.api('/resources/download', { path: '/f.bin' }))).json.href
    const failure = await fetch(href, { signal: AbortSignal.timeout(BOUND_MS) })
      .then((res) => res.arrayBuffer())
      .then(() => undefined, (err: unknown) => err)
    assert.ok(failure !== undefined)
  })
})

test('reset-upload@1:1000: the first PUT is cut, nothing is stored, the same link then works', async () => {
  await withEmulator({ faults: 'reset-upload@1:1000' }, async (emu) => {
    const bytes = pattern(100_000)
    const link = await emu.call('GET', emu.api('/resources/upload', { path: '/up.bin' }))
    const cut = await fetch(link.json.href, { method: 'PUT', body: bytes, signal: AbortSignal.timeout(BOUND_MS) }).then(
      (res) => res.status,
      (err: unknown) => err,
    )
    assert.ok(cut instanceof Error, `the PUT fails with a connection error (got ${String(cut)})`)
    assert.is((await emu.meta('/up.bin')).status, 404)
    assert.is((await emu.status(`/v1/disk/operations/${link.json.operation_id}`)).json.status, 'in-progress')
    const retry = await emu.call('PUT', link.json.href, { token: null, body: bytes })
    assert.is(retry.status, 201)
    assert.is((await emu.meta('/up.bin')).json.size, bytes.length)
    assert.is((await emu.status(`/v1/disk/operations/${link.json.operation_id}`)).json.status, 'success')
  })
})

test.run()
