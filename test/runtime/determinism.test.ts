// Same seed, same trace, byte for byte, on a run with loss, duplication, reordering, a partition
// and a crash/restart. And the claims the batching rests on: batched or one instant at a time,
// in workers or inline, the trace is the same.
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Cluster, ClusterOptions } from '../../runtime/index.ts'
import { fixture, rejection, withCluster } from '../helpers.ts'

const test = suite('determinism')
const names = ['n1', 'n2', 'n3', 'n4', 'n5']

async function story(cluster: Cluster): Promise<void> {
  const g = cluster.client('g')
  await cluster.sleep(120)
  cluster.partition(['n1', 'n2'], ['n3', 'n4', 'n5'])
  cluster.input('n1', 'during the partition')
  await g.call('n4', { type: 'GOSSIP', n: 99, hops: 0 }, { timeout: 200 }).catch(() => null)
  await cluster.sleep(100)
  cluster.crash('n3')
  await cluster.sleep(50)
  cluster.heal()
  cluster.restart('n3')
  cluster.configureNetwork({ loss: 0.2 })
  await cluster.sleep(150)
  cluster.input('n3', 'after the restart')
  await cluster.sleep(100)
}

async function traceOf(file: string, overrides: Partial<ClusterOptions> = {}): Promise<string> {
  const options: ClusterOptions = {
    seed: 11,
    nodes: names.map((name) => ({ name, module: fixture('gossip') })),
    network: { latency: [2, 9], loss: 0.05, duplicate: 0.05, reorder: true },
    trace: { file: `traces/${file}`, level: 'full' },
    ...overrides,
  }
  await withCluster(options, story)
  return readFileSync(`traces/${file}`, 'utf8')
}

test('the same seed gives a byte-identical trace; another seed does not', async () => {
  const a = await traceOf('det-a.jsonl')
  const b = await traceOf('det-b.jsonl')
  assert.ok(a.split('\n').length > 500, 'the run is busy enough to mean something')
  assert.ok(a.includes('"kind":"drop"') && a.includes('"kind":"node.crash"') && a.includes('"kind":"timer.fire"'))
  assert.ok(a === b, 'traces of the same seed differ')
  const c = await traceOf('det-c.jsonl', { seed: 12 })
  assert.ok(a !== c, 'a different seed should change the run')
})

test('the trace level never changes what nodes do: machines they spawn are heard once, traced in full or not', async () => {
  const run = async (memory: 'net' | 'full'): Promise<string[]> =>
    withCluster({ seed: 5, nodes: [{ name: 'a', module: fixture('spawner') }], trace: { memory } }, async (cluster) => {
      await cluster.sleep(50)
      return [...cluster.node('a').console]
    })
  const net = await run('net')
  assert.equal(net, ['child 1 entry', 'child 2 entry', 'child 1 soon', 'child 2 soon', 'child 1 later', 'child 2 later'])
  assert.equal(await run('full'), net, 'a full trace (xstate inspection on) must not double what children emit')
})

test('batching by lookahead window gives exactly the run of one-instant-at-a-time', async () => {
  const batched = await traceOf('det-batched.jsonl')
  const stepwise = await traceOf('det-stepwise.jsonl', { batching: false })
  assert.ok(batched === stepwise, 'batching changed the run')
})

test("the timing option (benchmarks' wall-clock stamps) never changes the run", async () => {
  const plain = await traceOf('det-plain.jsonl')
  const timed = await traceOf('det-timed.jsonl', { timing: true })
  assert.ok(plain === timed, 'timing changed the run')
})

test('nodes in workers and nodes inline give the same trace', async () => {
  const worker = await traceOf('det-worker.jsonl')
  const inline = await traceOf('det-inline.jsonl', { host: 'inline' })
  assert.ok(worker === inline, 'worker and inline hosts disagree')
})

test('what a worker run leaves behind for the garbage collector does not reach the next inline run', async () => {
  // Comlink releases a dropped proxy from a FinalizationRegistry callback that draws Math.random;
  // during an inline node's module load that draw came from the node's seeded stream.
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const worker = await traceOf('det-worker.jsonl')
  // Failed nodes' workers are terminated, not reused: their proxies are garbage once dropped.
  for (let round = 0; round < 4; round++) {
    await withCluster({ nodes: [{ name: 'bad', module: fixture('misbehaving') }], network: { latency: 1 } }, async (cluster) => {
      await rejection(cluster.client('g').call('bad', { type: 'THROW' }, { timeout: 100 }))
    })
  }
  gc()
  const inline = await traceOf('det-inline.jsonl', { host: 'inline' })
  assert.ok(worker === inline, 'the inline run after a collection differs')
})

test('every node incarnation gets a fresh module instance, in workers and inline', async () => {
  for (const host of ['worker', 'inline'] as const) {
    await withCluster({ nodes: [{ name: 'a', module: fixture('moduleCounter') }, { name: 'b', module: fixture('moduleCounter') }], host }, async (cluster) => {
      await cluster.sleep(1)
      cluster.restart('a')
      await cluster.sleep(1)
      const lines = [...cluster.node('a').console, ...cluster.node('b').console]
      assert.equal(lines.map((l) => l.split(',')[0]), ['module instance 1', 'module instance 1', 'module instance 1'], `${host}: ${lines.join(' / ')}`)
    })
  }
})

test('gzip traces are byte-identical too', async () => {
  await traceOf('det-a.jsonl.gz')
  const a = readFileSync('traces/det-a.jsonl.gz')
  await traceOf('det-b.jsonl.gz')
  const b = readFileSync('traces/det-b.jsonl.gz')
  assert.ok(a.equals(b))
})

test.run()
