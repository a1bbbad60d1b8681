import { existsSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { CallTimeout, isDistlabError, type TraceRecord } from '../../runtime/index.ts'
import { fixture, rejection, withCluster } from '../helpers.ts'

const test = suite('cluster')
const pingpong = fixture('pingpong')

test('a client call resolves with the reply after the link latency, in virtual time', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong }], network: { latency: 7 } }, async (cluster) => {
    const reply = await cluster.client('g').call<{ type: 'PONG'; n: number; by: string }>('a', { type: 'PING', n: 5 })
    assert.equal(reply, { type: 'PONG', n: 5, by: 'a', from: 'a' })
    assert.is(cluster.now, 14)
  })
})

test('a call nobody answers times out after exactly its virtual timeout', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong }], network: { latency: 1 } }, async (cluster) => {
    const err = await rejection(cluster.client('g').call('a', { type: 'NOBODY_HANDLES_THIS' }, { timeout: 250 }))
    assert.instance(err, CallTimeout)
    assert.match(err.message, /NOBODY_HANDLES_THIS to a got no reply within 250 ms/)
    assert.is(cluster.now, 250)
  })
})

test('timers run on virtual time: 10 pings 100 ms apart take 1 s, not 1 s of wall time', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong, config: { pingEvery: 100, target: 'b' } }, { name: 'b', module: pingpong }], network: { latency: 3 } }, async (cluster) => {
    const wall = performance.now()
    await cluster.sleep(1000)
    assert.is(cluster.node('a').console.length, 9) // pings at 100..900 are answered by 1000; the 10th at 1000 is in flight
    assert.match(cluster.node('a').console[0] ?? '', /^a got PONG 1 from b at \d+$/)
    assert.ok(performance.now() - wall < 1000, 'virtual time does not wait on the wall clock')
  })
})

test('console input reaches the machine as a stdin event', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong }] }, async (cluster) => {
    cluster.input('a', 'hello there')
    await cluster.sleep(1)
    assert.equal(cluster.node('a').console, ['echo hello there'])
  })
})

test('until waits for a condition and fails with a sentence when it does not come', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong, config: { pingEvery: 50, target: 'b' } }, { name: 'b', module: pingpong }] }, async (cluster) => {
    await cluster.until(() => cluster.node('a').console.length >= 3, { timeout: 1000, what: 'three pongs' })
    assert.ok(cluster.now >= 150 && cluster.now < 200, `three pongs by ${cluster.now}`)
    const err = await rejection(cluster.until(() => false, { timeout: 100, what: 'a miracle' }))
    assert.match(err.message, /a miracle did not happen within 100 ms/)
  })
})

test('runEvents stops early, without error, when the system has nothing left to do', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong }] }, async (cluster) => {
    await cluster.runEvents(10)
    assert.is(cluster.stats.events, 1, 'only the start happened')
  })
})

test('runEvents handles exactly that many node events', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong, config: { pingEvery: 10, target: 'b' } }, { name: 'b', module: pingpong }] }, async (cluster) => {
    await cluster.runEvents(2) // the two starts
    assert.is(cluster.stats.events, 2)
    await cluster.runEvents(7)
    assert.is(cluster.stats.events, 9)
  })
})

test('maxTime bounds a run: waits fail with TIME_LIMIT and nothing happens after it', async () => {
  const options = { nodes: [{ name: 'a', module: pingpong, config: { pingEvery: 7, target: 'a' } }], network: { latency: 30 }, maxTime: 100, trace: { memory: true as const } }
  await withCluster(options, async (cluster) => {
    const err = await rejection(cluster.sleep(10_000))
    assert.ok(isDistlabError(err, 'TIME_LIMIT'), err.message)
    assert.is(cluster.now, 100)
    const late = cluster.records.filter((r) => r.t > 100)
    assert.equal(late, [], 'a batch does not run past the limit')
  })
})

test('partition, isolate, block and heal cut exactly the links they name', async () => {
  await withCluster({ nodes: ['a', 'b', 'c'].map((name) => ({ name, module: pingpong })), network: { latency: 2 } }, async (cluster) => {
    const g = cluster.client('g')
    const reaches = (_from: 'g', to: string): Promise<boolean> =>
      g.call(to, { type: 'PING', n: 0 }, { timeout: 50 }).then(
        () => true,
        () => false,
      )
    assert.ok(await reaches('g', 'a'))
    cluster.isolate('a')
    assert.ok(await reaches('g', 'a'), 'clients still reach an isolated node')
    cluster.isolate('b', { clients: true })
    assert.not.ok(await reaches('g', 'b'), 'isolate with clients cuts clients too')
    cluster.heal()
    cluster.block('c', 'g')
    assert.not.ok(await reaches('g', 'c'), 'the reply direction is blocked')
    cluster.unblock('c', 'g')
    assert.ok(await reaches('g', 'c'))
    cluster.partition(['g', 'a'], ['c'])
    assert.ok(await reaches('g', 'a'))
    assert.not.ok(await reaches('g', 'c'))
    assert.ok(await reaches('g', 'b'), 'an endpoint named in no group keeps its links')
  })
})

test('node-to-node traffic obeys isolation while the grader still reaches the node', async () => {
  const options = { nodes: [{ name: 'a', module: pingpong, config: { pingEvery: 10, target: 'b' } }, { name: 'b', module: pingpong }], network: { latency: 1 }, trace: { memory: true } }
  await withCluster(options, async (cluster) => {
    await cluster.sleep(100)
    const before = cluster.node('a').console.length
    cluster.isolate('b')
    await cluster.sleep(100)
    assert.is(cluster.node('a').console.length, before, 'no pong crosses the cut')
    const drops = cluster.records.filter((r): r is Extract<TraceRecord, { kind: 'drop' }> => r.kind === 'drop')
    assert.ok(drops.length >= 9 && drops.every((d) => d.reason === 'partition'))
    cluster.reconnect('b')
    await cluster.sleep(100)
    assert.ok(cluster.node('a').console.length > before)
  })
})

test('loss 1 loses everything; duplicate 1 delivers everything twice; FIFO keeps order', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong }], trace: { memory: true }, network: { latency: [1, 30] } }, async (cluster) => {
    const g = cluster.client('g')
    cluster.configureLink('g', 'a', { loss: 1 })
    const err = await rejection(g.call('a', { type: 'PING', n: 1 }, { timeout: 100 }))
    assert.instance(err, CallTimeout)
    cluster.configureLink('g', 'a', null)
    cluster.configureLink('g', 'a', { duplicate: 1 }, { oneWay: true })
    for (let n = 0; n < 20; n++) g.send('a', { type: 'PING', n })
    await cluster.sleep(200)
    const pongs = g.inbox.filter((m) => m.type === 'PONG').map((m) => (m as unknown as { n: number }).n)
    assert.is(pongs.length, 40, 'every ping arrives twice, so every ping is answered twice')
    const sorted = [...pongs].sort((x, y) => x - y)
    assert.equal(pongs, sorted, 'both links are FIFO, so pongs come back in order')
  })
})

test('reorder lets messages overtake each other', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong }], network: { latency: [1, 50], reorder: true } }, async (cluster) => {
    const g = cluster.client('g')
    for (let n = 0; n < 30; n++) g.send('a', { type: 'PING', n })
    await cluster.sleep(200)
    const pongs = g.inbox.map((m) => (m as unknown as { n: number }).n)
    assert.is(pongs.length, 30)
    assert.not.equal(pongs, [...pongs].sort((x, y) => x - y))
  })
})

test('crash loses memory and timers but keeps the data directory; restart reseeds randomness', async () => {
  await withCluster({ nodes: [{ name: 'd', module: fixture('diskCounter') }], network: { latency: 1 } }, async (cluster) => {
    const g = cluster.client('g')
    await cluster.sleep(5)
    g.send('d', { type: 'PING' })
    g.send('d', { type: 'PING' })
    await cluster.sleep(5)
    cluster.crash('d')
    assert.is(cluster.node('d').status, 'down')
    g.send('d', { type: 'PING' }) // lost: nobody is there
    await cluster.sleep(5)
    cluster.restart('d')
    await cluster.sleep(5)
    g.send('d', { type: 'PING' })
    await cluster.sleep(5)
    const lines = cluster.node('d').console
    assert.is(lines.length, 5, lines.join('\n'))
    assert.match(lines[0] ?? '', /^boot 1 /)
    assert.equal(lines.slice(1, 3), ['seen 1', 'seen 2'])
    assert.match(lines[3] ?? '', /^boot 2 /)
    assert.is(lines[4], 'seen 1', 'memory starts over')
    assert.is.not(lines[0]?.split(' ')[3], lines[3]?.split(' ')[3], 'a new incarnation draws new random numbers')
    assert.is(cluster.node('d').incarnation, 2)
  })
})

test('bulk data sent with { transfer: true } moves between threads without a copy', async () => {
  const size = 8 << 20
  const expected = Array.from({ length: size }, (_, i) => i % 251).reduce((a, b) => (a + b) % 65521, 0)
  await withCluster({ nodes: [{ name: 'a', module: fixture('bulk'), config: { to: 'b' } }, { name: 'b', module: fixture('bulk') }], network: { latency: 1 }, trace: { memory: true } }, async (cluster) => {
    cluster.input('a', `send ${size}`)
    await cluster.sleep(5)
    cluster.input('a', 'check')
    await cluster.sleep(1)
    assert.equal(cluster.node('b').console, [`received ${size} bytes, checksum ${expected}`])
    assert.equal(cluster.node('a').console, ['sender still holds 0 bytes'], 'the sender\'s buffer was handed over (detached), not copied')
    // The trace keeps the size of data that was handed over, in worker and inline runs alike.
    for (const kind of ['send', 'deliver']) {
      const record = cluster.records.find((r) => r.kind === kind) as unknown as { msg: { bytes: unknown } }
      assert.equal(record.msg.bytes, { $bytes: size }, `the ${kind} record shows the size`)
    }
  })
})

test('the same buffer sent to two peers is handed to one and copied for the other', async () => {
  await withCluster({ nodes: [{ name: 'a', module: fixture('bulk'), config: { to: 'b' } }, { name: 'b', module: fixture('bulk') }], network: { latency: 1 } }, async (cluster) => {
    cluster.input('a', 'send 1000')
    cluster.input('a', 'send 1000')
    await cluster.sleep(5)
    assert.equal(cluster.node('b').console.length, 2)
  })
})

test('inspect returns the machine state and context at the current instant', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong }] }, async (cluster) => {
    await cluster.client('g').call('a', { type: 'PING', n: 1 })
    const snap = await cluster.inspect('a')
    assert.is(snap.value, 'serving')
    assert.is((snap.context as { pings: number }).pings, 1)
  })
})

test('a trace file is written and the run leaves no data directory behind', async () => {
  let root = ''
  await withCluster({ nodes: [{ name: 'a', module: pingpong }], trace: { file: 'traces/test-cluster.jsonl' } }, async (cluster) => {
    await cluster.client('g').call('a', { type: 'PING', n: 1 })
    root = (cluster as unknown as { dataRoot: string }).dataRoot
    assert.ok(existsSync(root))
    assert.match(cluster.tracePath ?? '', /traces\/test-cluster\.jsonl$/)
  })
  assert.not.ok(existsSync(root))
})

test.run()
