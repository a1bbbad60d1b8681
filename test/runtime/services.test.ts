// The runtime's services for bulk-data assignments: telling a sender that nobody lives at an
// address, per-node bandwidth, the shared hash pool, data directories prepared before a start.
// Nodes print what comes back with its virtual time (Date.now() - EPOCH in a node).
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Cluster, ClusterOptions } from '../../runtime/index.ts'
import { fixture, rejection, withCluster } from '../helpers.ts'

const test = suite('runtime services')
const EPOCH = Date.UTC(2026, 0, 1)
const node = (name: string, host: number): ClusterOptions['nodes'][number] => ({ name, address: `10.0.0.${host}`, module: fixture('services') })

/** Console lines with the virtual time made relative: `[t, rest]`. */
function lines(cluster: Cluster, name: string): Array<[number, string]> {
  return cluster.node(name).console.map((line) => {
    const [time, ...rest] = line.split(' ')
    return [Math.round((Number(time) - EPOCH) * 1000) / 1000, rest.join(' ')]
  })
}

const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex')
const pattern = (size: number): Uint8Array => new Uint8Array(size).map((_, i) => (i * 7) % 256)

test('a sender that asks hears net.unreachable after the delay: no such address, or its node is down', async () => {
  await withCluster({ nodes: [node('a', 1), node('b', 2)], network: { latency: 1 }, unreachableAfter: 500, trace: { memory: true } }, async (cluster) => {
    cluster.input('a', 'probe 10.0.0.9')
    cluster.input('a', 'probe 10.0.0.2')
    await cluster.sleep(10)
    cluster.crash('b')
    cluster.input('a', 'probe 10.0.0.2')
    await cluster.sleep(1000)
    assert.equal(lines(cluster, 'a'), [
      [500, 'unreachable 10.0.0.9 PING'],
      [511, 'unreachable 10.0.0.2 PING'],
    ])
    assert.equal(lines(cluster, 'b'), [[1, 'ping from 10.0.0.1']])
    const notices = cluster.records.filter((r) => r.kind === 'unreachable')
    assert.equal(notices.map((r) => [r.t, r.node, (r as { to: string }).to]), [[500, 'a', '10.0.0.9'], [511, 'a', '10.0.0.2']])
  })
})

test('no notice for a partitioned node, nor for a send that did not ask', async () => {
  await withCluster({ nodes: [node('a', 1), node('b', 2)], network: { latency: 1 }, unreachableAfter: 100 }, async (cluster) => {
    cluster.isolate('b')
    cluster.input('a', 'probe 10.0.0.2')
    cluster.input('a', 'bulk 10.0.0.7 10')
    await cluster.sleep(1000)
    assert.equal(lines(cluster, 'a'), [])
    assert.equal(lines(cluster, 'b'), [])
  })
})

test('bandwidth: a transfer takes latency + size/rate, and transfers from one node queue on its uplink', async () => {
  await withCluster({ nodes: [node('a', 1), node('b', 2), node('c', 3)], network: { latency: 1 }, bandwidth: 1_000_000 }, async (cluster) => {
    cluster.input('a', 'bulk 10.0.0.2 100000')
    cluster.input('a', 'bulk 10.0.0.3 100000')
    await cluster.sleep(500)
    const [[tb]] = lines(cluster, 'b') as [[number, string]]
    const [[tc]] = lines(cluster, 'c') as [[number, string]]
    // 100 000 bytes (plus a small header) at 1 MB/s: 100 ms; the second waits for the first.
    assert.ok(tb > 101 && tb < 102, `first arrives after ~101 ms (${tb})`)
    assert.ok(tc > 201 && tc < 202, `second queues behind it (${tc})`)
    cluster.configureBandwidth('a', { up: 10_000_000 })
    cluster.input('a', 'bulk 10.0.0.3 100000')
    await cluster.sleep(500)
    const [, [t2]] = lines(cluster, 'c') as [unknown, [number, string]]
    assert.ok(t2 - 501 > 100 && t2 - 501 < 102, `c's downlink (1 MB/s) is now the bottleneck (${t2 - 501})`)
  })
})

test('bandwidth: a node that crashes never sends what still waited on its uplink, and comes back to a free uplink', async () => {
  await withCluster({ nodes: [node('a', 1), node('b', 2), node('c', 3)], network: { latency: 1 }, bandwidth: 1_000_000, trace: { memory: true } }, async (cluster) => {
    cluster.input('a', 'bulk 10.0.0.2 100000')
    cluster.input('a', 'bulk 10.0.0.3 100000')
    // The first has left a's uplink by ~100 ms; the second would leave at ~200 ms.
    await cluster.sleep(150)
    const queued = cluster.uplinkQueued('a')
    assert.ok(queued > 50 && queued < 53, `~51 ms of sending still queued on a's uplink (${queued})`)
    assert.is(cluster.uplinkQueued('b'), 0)
    cluster.crash('a')
    assert.is(cluster.uplinkQueued('a'), 0, 'a crash frees the uplink')
    await cluster.sleep(200)
    assert.is(lines(cluster, 'b').length, 1, 'what had left the uplink still arrives')
    assert.equal(lines(cluster, 'c'), [], 'what had not is lost with its sender')
    const drops = cluster.records.filter((r) => r.kind === 'drop').map((r) => [(r as { to: string }).to, (r as { reason: string }).reason])
    assert.equal(drops, [['c', 'sender down']])
    cluster.start('a')
    await cluster.sleep(10)
    const sent = cluster.now
    cluster.input('a', 'bulk 10.0.0.2 100000')
    await cluster.sleep(500)
    const [, [t]] = lines(cluster, 'b') as [unknown, [number, string]]
    assert.ok(t - sent > 100 && t - sent < 102, `the new incarnation's send does not queue behind the lost one (${t - sent})`)
  })
})

test('bandwidth: what a crashed node still owed a client is lost too; an in-order link does not hold its next message behind it', async () => {
  await withCluster({ nodes: [node('a', 1)], network: { latency: 1 }, bandwidth: { up: 1_000_000 }, trace: { memory: true } }, async (cluster) => {
    const g = cluster.client('g', { address: '10.0.0.50' })
    cluster.input('a', 'bulk 10.0.0.50 100000')
    cluster.input('a', 'bulk 10.0.0.50 100000')
    await cluster.sleep(150)
    cluster.crash('a')
    cluster.start('a')
    await cluster.sleep(1)
    cluster.input('a', 'bulk 10.0.0.50 1000')
    await cluster.sleep(500)
    assert.equal(g.inbox.map((m) => (m as unknown as { bytes: Uint8Array }).bytes.byteLength), [100000, 1000], 'the first arrived, the second was lost, the new one came at once')
    const drops = cluster.records.filter((r) => r.kind === 'drop').map((r) => (r as { reason: string }).reason)
    assert.equal(drops, ['sender down'])
    const last = cluster.records.filter((r) => r.kind === 'deliver' && r.node === 'g').at(-1) as { t: number }
    assert.ok(last.t < 155, `the new incarnation's small message is not held behind the lost one's arrival at ~201 ms (${last.t})`)
  })
})

test('bandwidth settings are checked where they enter', async () => {
  const err = await rejection(withCluster({ nodes: [node('a', 1)], bandwidth: { up: -5 } }, async () => {}))
  assert.match(err.message, /options\.bandwidth\.up must be a positive number/)
  const err2 = await rejection(withCluster({ nodes: [{ ...node('a', 1), bandwidth: { upp: 5 } as never }] }, async () => {}))
  assert.match(err2.message, /options\.nodes\[0\]\.bandwidth\.upp is not a bandwidth setting/)
})

test('hash: digests of the whole buffer or of each part, the buffer handed back, answered in virtual time', async () => {
  await withCluster({ nodes: [node('a', 1)], network: { latency: 1 }, pool: { threads: 1, bytesPerMs: 1000, overheadMs: 0 }, trace: { memory: true } }, async (cluster) => {
    cluster.input('a', 'hash 5000 2000')
    cluster.input('a', 'hash 100')
    await cluster.sleep(100)
    const data = pattern(5000)
    const parts = [0, 2000, 4000].map((o) => sha1(data.subarray(o, o + 2000)))
    assert.equal(lines(cluster, 'a'), [
      [5, `hashed job-5000 5000 ${parts.join(',')}`],
      // One virtual thread: the second job waits for the first.
      [5.1, `hashed job-100 100 ${sha1(pattern(100))}`],
    ])
    const kinds = cluster.records.filter((r) => r.kind === 'pool' || r.kind === 'pool.done').map((r) => `${r.kind}@${r.t}`)
    assert.equal(kinds, ['pool@0', 'pool@0', 'pool.done@5', 'pool.done@5.1'])
  })
})

test('a bad hash request fails the node with a sentence that names the mistake', async () => {
  await withCluster({ nodes: [node('a', 1)] }, async (cluster) => {
    cluster.input('a', 'hash 100 -3')
    const err = await rejection(cluster.sleep(10))
    assert.match(err.message, /partSize must be a positive integer \(got -3\)/)
  })
})

test("a crashed node's pool answer is dropped; the next incarnation does not get it", async () => {
  await withCluster({ nodes: [node('a', 1)], pool: { bytesPerMs: 1000 } }, async (cluster) => {
    cluster.input('a', 'hash 50000')
    await cluster.sleep(1)
    cluster.restart('a')
    await cluster.sleep(200)
    assert.equal(lines(cluster, 'a'), [])
  })
})

test('data directories exist before a deferred start, and the node sees what was put there', async () => {
  await withCluster({ nodes: [{ name: 'd', module: fixture('diskCounter'), start: false }] }, async (cluster) => {
    const dir = cluster.dataDir('d')
    writeFileSync(join(dir, 'count.txt'), '41')
    assert.is(cluster.node('d').status, 'down')
    cluster.start('d')
    await cluster.sleep(5)
    assert.is(cluster.node('d').status, 'up')
    assert.ok(readFileSync(join(dir, 'count.txt'), 'utf8').length > 0)
  })
})

// ---- determinism with the services in play ----------------------------------------------------

async function servicesStory(cluster: Cluster): Promise<void> {
  for (let round = 0; round < 3; round++) {
    cluster.input('a', `hash ${30_000 + round * 7000} 4096`)
    cluster.input('b', 'probe 10.0.0.77')
    cluster.input('c', 'bulk 10.0.0.1 20000')
    cluster.input('a', 'bulk 10.0.0.2 5000')
    cluster.input('b', 'hash 300')
    await cluster.sleep(3)
    if (round === 1) cluster.crash('b')
    cluster.input('a', 'probe 10.0.0.2')
    await cluster.sleep(20)
    if (round === 1) cluster.restart('b')
  }
  await cluster.sleep(300)
}

async function servicesTrace(overrides: Partial<ClusterOptions> = {}): Promise<string> {
  const file = `traces/services-${Object.keys(overrides).join('-') || 'base'}.jsonl`
  await withCluster(
    {
      seed: 5,
      nodes: [node('a', 1), node('b', 2), node('c', 3)],
      network: { latency: [1, 3] },
      bandwidth: 2_000_000,
      unreachableAfter: 40,
      trace: { file, level: 'full' },
      ...overrides,
    },
    servicesStory,
  )
  return readFileSync(file, 'utf8')
}

test('with pool jobs, bandwidth and notices: same seed, same trace; batched, one-at-a-time and inline agree', async () => {
  const base = await servicesTrace()
  assert.ok(base.includes('"kind":"pool.done"') && base.includes('"kind":"unreachable"') && base.includes('"kind":"node.crash"'))
  assert.ok(base === (await servicesTrace()), 'same seed, different trace')
  assert.ok(base === (await servicesTrace({ batching: false })), 'batching changed the run')
  assert.ok(base === (await servicesTrace({ host: 'inline' })), 'inline hosts changed the run')
})

test.run()
