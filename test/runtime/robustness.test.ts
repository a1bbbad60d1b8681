// A node that throws, loops, exits or never loads fails with a clear sentence naming the node and
// the event; the driver never hangs, and its workers are gone afterwards.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Cluster, NodeFailure, isDistlabError } from '../../runtime/index.ts'
import { validateClusterOptions } from '../../runtime/sim/options.ts'
import { broken, fixture, rejection, withCluster } from '../helpers.ts'

const test = suite('robustness')
const bad = fixture('misbehaving')
const options = { nodes: [{ name: 'bad', module: bad }], network: { latency: 1 }, stepTimeoutMs: 800 }

async function failureOf(type: string): Promise<Error> {
  return withCluster(options, async (cluster) => {
    const err = await rejection(cluster.client('g').call('bad', { type }, { timeout: 100 }))
    assert.is(cluster.node('bad').status, 'failed')
    // Once a node failed, the run is over: every later wait fails the same way, at once.
    const again = await rejection(cluster.sleep(10))
    assert.is(again, err)
    return err
  })
}

test('a node that throws fails the run with the error, the event and the source line', async () => {
  const err = await failureOf('THROW')
  assert.instance(err, NodeFailure)
  assert.ok(isDistlabError(err, 'NODE_FAILED'))
  assert.match(err.message, /node 'bad' threw while handling THROW from g: TypeError: Cannot read properties of undefined \(reading 'value'\)/)
  assert.match(err.message, /misbehaving\.ts:\d+/)
})

test('a node stuck in an endless loop is declared hung and terminated', async () => {
  const wall = performance.now()
  const err = await failureOf('LOOP')
  assert.ok(isDistlabError(err, 'NODE_HUNG'), err.message)
  assert.match(err.message, /node 'bad' did not finish handling LOOP from g at t=1 within 800 ms of wall and CPU time/)
  assert.ok(performance.now() - wall < 5000)
})

test('a hang inside a timer is reported as that timer, at its time', async () => {
  const err = await failureOf('ARM')
  assert.ok(isDistlabError(err, 'NODE_HUNG'), err.message)
  assert.match(err.message, /did not finish handling a timer at t=1\.5 within 800 ms/)
})

test('an unhandled rejection in node code fails the node with the batch that caused it, every time', async () => {
  const times: number[] = []
  for (let run = 0; run < 3; run++) {
    await withCluster({ ...options, trace: { memory: true } }, async (cluster) => {
      const err = await rejection(cluster.client('g').call('bad', { type: 'REJECT' }, { timeout: 100 }))
      assert.match(err.message, /node 'bad' threw while handling a promise callback \(an unhandled rejection\): Error: boom in a promise/)
      times.push(cluster.records.find((r) => r.kind === 'node.error')?.t ?? -1)
    })
  }
  assert.equal(times, [1, 1, 1])
})

test('when a node fails, nothing after that event happens on any node, batched or not', async () => {
  const run = async (batching: boolean) =>
    withCluster({ nodes: [{ name: 'bad', module: bad }, { name: 'ok', module: fixture('pingpong') }], network: { latency: 10 }, trace: { memory: true }, batching }, async (cluster) => {
      const g = cluster.client('g')
      await cluster.sleep(1)
      g.send('bad', { type: 'THROW' })
      await cluster.sleep(0.5)
      g.send('ok', { type: 'PING', n: 1 })
      await rejection(cluster.sleep(50))
      return cluster.records.map((r) => `${r.t} ${r.node} ${r.kind}`)
    })
  const batched = await run(true)
  assert.equal(batched.at(-1), '11 bad node.error', batched.join('\n'))
  assert.equal(batched, await run(false))
})

test('a node that exits its thread is reported with the exit code', async () => {
  const err = await failureOf('EXIT')
  assert.match(err.message, /node 'bad' exited with code 3/)
})

test('a message that cannot cross threads is named', async () => {
  const err = await failureOf('UNCLONEABLE')
  assert.match(err.message, /message 'FN' to g cannot be copied between threads/)
})

test('console.log in node code becomes a log record, not output of the grader', async () => {
  await withCluster({ ...options, trace: { memory: true } }, async (cluster) => {
    cluster.client('g').send('bad', { type: 'LOG' })
    await cluster.sleep(5)
    const log = cluster.records.find((r) => r.kind === 'log')
    assert.ok(log && log.kind === 'log' && log.text === "debug output { a: 1 }", JSON.stringify(log))
  })
})

test('effects emitted from a promise fail the node with the batch that caused them', async () => {
  await withCluster({ nodes: [{ name: 'p', module: fixture('asyncEffects') }], network: { latency: 1 }, trace: { memory: true } }, async (cluster) => {
    const err = await rejection(cluster.sleep(5))
    assert.match(err.message, /emitted effects outside of handling an event/)
    const failed = cluster.records.find((r) => r.kind === 'node.error')
    assert.is(failed?.t, 0, 'reported at the start event that set the promise off')
  })
})

const loadFailure = async (module: string): Promise<Error> => rejection(Cluster.start({ nodes: [{ name: 'x', module }], stepTimeoutMs: 500 }))

test('a module without a default export, or exporting something else, is refused at start', async () => {
  const none = await loadFailure(broken('noDefault'))
  assert.ok(isDistlabError(none, 'NODE_LOAD'))
  assert.match(none.message, /node 'x' .*noDefault\.ts.*: the module has no default export; end it with `export default defineNode\(\{ machine \}\)`/)
  const other = await loadFailure(broken('notANode'))
  assert.match(other.message, /the default export is not a node/)
})

test('a syntax error is reported with file, line and column', async () => {
  const err = await loadFailure(broken('syntaxError'))
  assert.ok(isDistlabError(err, 'NODE_LOAD'))
  assert.match(err.message, /syntaxError\.ts:1:\d+: Expected/)
})

test('a missing module and a module that never finishes loading are refused', async () => {
  const missing = await loadFailure('test/fixtures/nodes/doesNotExist.ts')
  assert.match(missing.message, /doesNotExist\.ts: file not found/)
  const loop = await loadFailure(broken('topLevelLoop'))
  assert.match(loop.message, /loading the module took too long/)
})

test('a client message that cannot be sent is the driver\'s error, not the node\'s', async () => {
  await withCluster(options, async (cluster) => {
    assert.throws(() => cluster.client('g').send('bad', { type: 'X', fn: () => 1 }), /g: message 'X' cannot be sent: it is not plain data/)
    assert.is.not(cluster.node('bad').status, 'failed')
  })
})

test('a condition or reply matcher that throws fails its own wait only', async () => {
  await withCluster(options, async (cluster) => {
    const err = await rejection(cluster.until(() => { throw new Error('oops in a condition') }, { timeout: 100, what: 'x' }))
    assert.match(err.message, /oops in a condition/)
    let calls = 0
    const later = await rejection(cluster.until(() => { if (++calls > 1) throw new Error('oops later'); return false }, { timeout: 100, what: 'y' }))
    assert.match(later.message, /oops later/)
    const bad = await rejection(cluster.client('g').call('bad', { type: 'PING' }, { match: () => { throw new Error('oops in a matcher') } }))
    assert.match(bad.message, /oops in a matcher/)
    const pong = await cluster.client('g').call('bad', { type: 'PING' })
    assert.is(pong.type, 'PONG', 'the run goes on')
    assert.throws(() => cluster.until(() => true, {} as never), /timeout must be a positive number/)
    assert.throws(() => cluster.sleep(Infinity), /finite, non-negative/)
  })
})

test('inspect holds virtual time still, and fails rather than hangs when the node is gone', async () => {
  await withCluster({ nodes: [{ name: 'a', module: fixture('pingpong'), config: { pingEvery: 1, target: 'b' } }, { name: 'b', module: fixture('pingpong') }], network: { latency: 1 } }, async (cluster) => {
    await cluster.sleep(10)
    void cluster.client('g').call('b', { type: 'NOTHING' }, { timeout: 1000 }).catch(() => null)
    const at = cluster.now
    const first = await cluster.inspect('b')
    const second = await cluster.inspect('b')
    assert.is(cluster.now, at, 'no virtual time passed during the inspects')
    assert.equal(first, second)
    cluster.crash('b')
    await rejection(cluster.inspect('b'))
  })
})

test('bad options are refused with the name of the option', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ nodes: [{ name: 'a', module: bad }], seed: -1 }, /options\.seed must be a non-negative integer/],
    [{ nodes: [{ name: 'a', module: bad }, { name: 'a', module: bad }] }, /two nodes are named 'a'/],
    [{ nodes: [{ name: 'a b', module: bad }] }, /options\.nodes\[0\]\.name must be a name/],
    [{ nodes: [{ name: 'a', module: bad }], network: { latency: [5, 1] } }, /network\.latency must be non-negative ms with min ≤ max/],
    [{ nodes: [{ name: 'a', module: bad }], network: { los: 0.1 } }, /network\.los is not a link setting/],
    [{ nodes: [{ name: 'a', module: bad }], network: { loss: 2 } }, /network\.loss must be a probability/],
  ]
  for (const [opts, pattern] of cases) {
    const err = await rejection(Promise.resolve().then(() => Cluster.start(opts as never)))
    assert.match(err.message, pattern)
  }
})

test('unknown names in fault verbs and calls say which names exist', async () => {
  await withCluster(options, async (cluster) => {
    assert.throws(() => cluster.crash('nope'), /no node named 'nope'; nodes: bad/)
    assert.throws(() => cluster.partition(['bad'], ['ghost']), /no node or client named 'ghost'; known: bad/)
    assert.throws(() => cluster.client('g').send('ghost', { type: 'X' }), /no node or client named 'ghost'/)
  })
})

test("with nodeErrors 'crash-node' a node that throws goes down alone; the others go on and it can start again", async () => {
  const both = { ...options, nodes: [{ name: 'bad', module: bad }, { name: 'good', module: bad }], nodeErrors: 'crash-node' as const, trace: { memory: true } }
  await withCluster(both, async (cluster) => {
    cluster.client('g').send('bad', { type: 'THROW' })
    await cluster.sleep(10)
    assert.is(cluster.node('bad').status, 'down', 'the node that threw is down, not failed')
    assert.is(cluster.failure, null, 'the run goes on')
    const kinds = cluster.records.filter((r) => r.node === 'bad' && (r.kind === 'node.error' || r.kind === 'node.crash')).map((r) => r.kind)
    assert.equal(kinds, ['node.error', 'node.crash'], 'its error and its crash are traced, in that order')
    const pong = await cluster.client('g').call<{ type: string }>('good', { type: 'PING' }, { timeout: 100 })
    assert.is(pong.type, 'PONG', 'the other node still answers')
    cluster.start('bad')
    const again = await cluster.client('g').call<{ type: string }>('bad', { type: 'PING' }, { timeout: 100 })
    assert.is(again.type, 'PONG', 'started again, the node answers')
  })
})

test("with nodeErrors 'end-run' (the default) the run still ends at the first node error", async () => {
  const both = { ...options, nodes: [{ name: 'bad', module: bad }, { name: 'good', module: bad }] }
  await withCluster(both, async (cluster) => {
    const err = await rejection(cluster.client('g').call('bad', { type: 'THROW' }, { timeout: 100 }))
    assert.ok(isDistlabError(err, 'NODE_FAILED'))
    assert.is(cluster.node('bad').status, 'failed')
  })
  assert.throws(() => validateClusterOptions({ ...options, nodeErrors: 'shrug' as never }), /options.nodeErrors must be 'end-run' or 'crash-node'/)
})

test.run()
