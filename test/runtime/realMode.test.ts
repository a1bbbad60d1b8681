// Real mode: the same nodes on loopback sockets in wall-clock time. Every test is bounded (a few
// seconds of wall time) and uses ephemeral ports on 127.0.0.1 only.
import { connect, type Socket } from 'node:net'
import { createSocket } from 'node:dgram'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { mutantDir } from '../../graders/harness/mutants.ts'
import { runGrader } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { encodeFrame, FrameReader, decodeMessage } from '../../runtime/real/frames.ts'
import { isDistlabError, type TraceRecord } from '../../runtime/index.ts'
import { fixture, withCluster } from '../helpers.ts'

const test = suite('real mode')
const pingpong = fixture('pingpong')

/** Resolves with the first frame's message the socket reads, or rejects after `ms`. */
function nextFrame(socket: Socket, ms = 3000): Promise<unknown> {
  const reader = new FrameReader()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame came back')), ms)
    socket.on('data', (chunk: Buffer) => {
      const [body] = reader.push(chunk)
      if (body) {
        clearTimeout(timer)
        resolve(decodeMessage(body))
      }
    })
  })
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket))
    socket.once('error', reject)
  })
}

test('over TCP a client call gets its reply, the trace says the run is real, and stop closes every socket', async () => {
  let port = 0
  await withCluster({ mode: 'real', nodes: [{ name: 'a', module: pingpong }], trace: { memory: true } }, async (cluster) => {
    const reply = await cluster.client('g').call('a', { type: 'PING', n: 3 }, { timeout: 3000 })
    assert.equal(reply, { type: 'PONG', n: 3, by: 'a', from: 'a' })
    assert.is(cluster.mode, 'real')
    const sockets = cluster.sockets
    assert.equal(sockets.map((s) => s.name).sort(), ['a', 'g'])
    for (const s of sockets) assert.match(s.real, /^127\.0\.0\.1:\d+$/)
    port = Number(sockets.find((s) => s.name === 'a')?.real.split(':')[1])
    const kinds = new Set(cluster.records.map((r: TraceRecord) => r.kind))
    assert.ok(kinds.has('call') && kinds.has('deliver') && kinds.has('reply'), [...kinds].join(', '))
  })
  const refused = await open(port).then(
    (s) => (s.destroy(), null),
    (err: NodeJS.ErrnoException) => err.code,
  )
  assert.is(refused, 'ECONNREFUSED', "after stop nothing listens on the node's port")
})

test('a trace file of a real run says so in its meta record', async () => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { tmpdir } = await import('node:os')
  const dir = mkdtempSync(join(tmpdir(), 'distlab-real-'))
  try {
    const file = join(dir, 'run.jsonl')
    await withCluster({ mode: 'real', nodes: [{ name: 'a', module: pingpong }], trace: { file } }, async (cluster) => {
      await cluster.client('g').call('a', { type: 'PING', n: 1 }, { timeout: 3000 })
    })
    const meta = JSON.parse(readFileSync(file, 'utf8').split('\n')[0] as string) as { mode?: string; note?: string }
    assert.is(meta.mode, 'real')
    assert.match(meta.note ?? '', /not give the same trace/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a program outside the lab speaks the framing: a frame without hello is answered on its connection', async () => {
  await withCluster({ mode: 'real', nodes: [{ name: 'a', module: pingpong }] }, async (cluster) => {
    const serving = cluster.serve()
    const port = Number(cluster.sockets[0]?.real.split(':')[1])
    const socket = await open(port)
    try {
      const answer = nextFrame(socket)
      socket.write(encodeFrame({ type: 'PING', n: 9 }))
      assert.equal(await answer, { type: 'PONG', n: 9, by: 'a' })
      // A frame over the limit closes that connection; the node is untouched.
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
      const huge = Buffer.alloc(4)
      huge.writeUInt32BE(0xffffffff, 0)
      socket.write(huge)
      await closed
    } finally {
      socket.destroy()
    }
    const again = await cluster.client('g').call('a', { type: 'PING', n: 10 }, { timeout: 3000 })
    assert.is((again as unknown as { n: number }).n, 10, 'the node still answers')
    await cluster.stop()
    await serving
  })
})

test('faults in real mode: a partition drops messages on the way (traced), heal lets them through', async () => {
  await withCluster({ mode: 'real', nodes: [{ name: 'a', module: pingpong }, { name: 'b', module: pingpong }], trace: { memory: true } }, async (cluster) => {
    cluster.client('g')
    cluster.partition(['a'], ['b', 'g'])
    const err = await cluster.client('g').call('a', { type: 'PING', n: 1 }, { timeout: 300 }).then(() => null, (e: Error) => e)
    assert.ok(err && err.name === 'CallTimeout', 'no reply across the partition')
    assert.ok(cluster.records.some((r) => r.kind === 'drop' && r.reason === 'partition'), 'the drop is traced as a partition')
    cluster.heal()
    const reply = await cluster.client('g').call('a', { type: 'PING', n: 2 }, { timeout: 3000 })
    assert.is((reply as unknown as { n: number }).n, 2)
  })
})

test('over UDP a node must send datagrams: anything else is dropped as unsendable, with a sentence', async () => {
  await withCluster({ mode: 'real', transport: 'udp', nodes: [{ name: 'a', module: pingpong }], trace: { memory: true } }, async (cluster) => {
    // Refused at send time: the drop and its sentence are traced at once.
    cluster.client('g').send('a', { type: 'PING', n: 1 })
    const log = cluster.records.find((r) => r.kind === 'log' && r.level === 'warn')
    assert.ok(cluster.records.some((r) => r.kind === 'drop' && r.reason === 'unsendable'))
    assert.match((log as { text: string } | undefined)?.text ?? '', /datagrams only/)
  })
})

test('a raw UDP datagram from outside reaches a reliable socket and is acknowledged to its sender', async () => {
  const assignment = findAssignment('reliable-udp')
  await withCluster({ mode: 'real', transport: 'udp', nodes: [{ name: 'b', module: `${assignment.referenceDir}/socket.ts` }] }, async (cluster) => {
    const serving = cluster.serve()
    const port = Number(cluster.sockets[0]?.real.split(':')[1])
    const raw = createSocket('udp4')
    try {
      await new Promise<void>((resolve) => raw.bind(0, '127.0.0.1', () => resolve()))
      const ack = new Promise<Buffer>((resolve) => raw.once('message', (m) => resolve(m)))
      raw.send(Buffer.from([0, 0, 0, 1, 2, 0x68, 0x69]), port, '127.0.0.1')
      assert.is((await ack).toString('hex'), '0100000102')
      const got = await cluster.app('b').call<{ type: string; data: Uint8Array; from: string }>({ type: 'recvfrom' }, { timeout: 3000 })
      assert.is(new TextDecoder().decode(got.data), 'hi')
      assert.is(got.from, `127.0.0.1:${raw.address().port}`)
    } finally {
      raw.close()
      await cluster.stop()
      await serving
    }
  })
})

test('a real run whose node throws fails, and stopping it still closes every port it opened', async () => {
  let ports: number[] = []
  await withCluster({ mode: 'real', nodes: [{ name: 'a', module: fixture('misbehaving') }, { name: 'b', module: pingpong }] }, async (cluster) => {
    ports = cluster.sockets.map((s) => Number(s.real.split(':')[1]))
    const failed = cluster.client('g').call('a', { type: 'THROW' }, { timeout: 3000 }).then(() => null, (e: Error) => e)
    const err = await failed
    assert.ok(isDistlabError(err, 'NODE_FAILED'), `the run fails with the node's error: ${err?.message}`)
  })
  for (const port of ports) {
    const refused = await open(port).then(
      (s) => (s.destroy(), null),
      (e: NodeJS.ErrnoException) => e.code,
    )
    assert.is(refused, 'ECONNREFUSED', `port ${port} is closed after the failed run`)
  }
})

test('serve() is refused in sim, where time moves only while a driver waits', async () => {
  await withCluster({ nodes: [{ name: 'a', module: pingpong }] }, async (cluster) => {
    let err: unknown = null
    try {
      void cluster.serve()
    } catch (e) {
      err = e
    }
    assert.ok(isDistlabError(err, 'BAD_INPUT'))
  })
})

// The grader's verdicts in real mode match sim's: the reference passes a smoke subset on loopback
// UDP, and known-bad variants lose the same tests there as in the simulator.
const SMOKE = ['wire-format', 'loss', 'senders-told-apart', 'malformed-ignored']

test('reliable-udp smoke subset on real UDP: the reference passes; two variants lose the same tests as in sim', async () => {
  const assignment = findAssignment('reliable-udp')
  const grader = await assignment.grader()
  const shape = { roles: assignment.roles, referenceDir: assignment.referenceDir }
  const reference = await loadSolution(shape)
  const real = await runGrader(grader, { assignment: 'reliable-udp', solution: reference, seed: 1, only: SMOKE, mode: 'real', wire: { transport: 'udp' } })
  assert.equal(real.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.reason}`), [], 'the reference passes on real sockets')
  const mutants = await assignment.mutants()
  for (const name of ['little-endian-id', 'crashes-on-short-datagram']) {
    const spec = mutants.find((m) => m.name === name)
    if (!spec) throw new Error(`no mutant ${name}`)
    const solution = await loadSolution(shape, mutantDir(assignment.dir, spec))
    const only = SMOKE.filter((t) => spec.loses.includes(t))
    const verdicts = await Promise.all(
      (['sim', 'real'] as const).map(async (mode) => {
        const report = await runGrader(grader, { assignment: 'reliable-udp', solution, seed: 1, only, mode, wire: { transport: 'udp' } })
        return report.tests.map((t) => `${t.name} ${t.passed ? 'passed' : 'failed'}`)
      }),
    )
    assert.equal(verdicts[1], verdicts[0], `${name}: the same verdict in real mode as in sim`)
    assert.ok(verdicts[0]?.every((v) => v.endsWith('failed')), `${name} loses ${only.join(', ')}: ${verdicts[0]?.join(', ')}`)
  }
})

test.run()
