// Real mode over HTTP: nodes that send HTTP_REQUEST and HTTP_RESPONSE messages are real HTTP/1.1
// servers and clients on loopback. Every test is bounded, uses ephemeral ports on 127.0.0.1 only,
// and waits for events (trace records, responses), never for time to pass.
import { connect } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { HttpTransport } from '../../runtime/real/HttpTransport.ts'
import { MAX_BODY, whyUnsendable } from '../../runtime/real/httpWire.ts'
import type { TransportEvents } from '../../runtime/real/Transport.ts'
import type { Message } from '../../runtime/node/types.ts'
import type { Endpoint } from '../../runtime/sim/Endpoint.ts'
import type { Cluster, ClusterOptions, TraceRecord } from '../../runtime/index.ts'
import { fixture, withCluster } from '../helpers.ts'
import { freePort } from '../lab/nodeProcess.ts'
import { createServer as createHttpServer } from 'node:http'

const test = suite('real mode over HTTP')
const echo = fixture('httpEcho')
/** No fetch of these tests should take longer than this; a hang fails the test instead. */
const BOUND_MS = 5000

/** A cluster of echo nodes over HTTP, served (time runs) while `body` runs. */
async function withHttp<T>(names: string[], body: (cluster: Cluster, url: (name: string, path: string) => string) => Promise<T>, options: Partial<ClusterOptions> = {}): Promise<T> {
  return withCluster({ mode: 'real', transport: 'http', nodes: names.map((name) => ({ name, module: echo })), ...options }, async (cluster) => {
    const serving = cluster.serve()
    const url = (name: string, path: string): string => `http://${cluster.sockets.find((s) => s.name === name)?.real}${path}`
    try {
      return await body(cluster, url)
    } finally {
      await cluster.stop()
      await serving
    }
  })
}

function fetchBounded(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(BOUND_MS), ...init })
}

/** `promise`, or a failure naming `what` if it has not settled within BOUND_MS. */
function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${BOUND_MS} ms`)), BOUND_MS)))
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** Resolves with the first trace record that `match` accepts. */
function recordWhere(match: (r: TraceRecord) => boolean): { listener: (r: TraceRecord) => void; found: Promise<TraceRecord> } {
  let resolve: (r: TraceRecord) => void = () => {}
  const found = new Promise<TraceRecord>((r) => (resolve = r))
  return { listener: (r) => void (match(r) && resolve(r)), found }
}

function connectCode(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(null)))
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })
}

/** A loopback port nobody listens on (it was free a moment ago). */
const closedPort = freePort

type Echo = { by: string; from: string; rid: number; method: string; path: string; body: string; headers: Record<string, string> }

test("fetch from outside gets the node's status, headers and body; the transport frames it; stop closes the ports", async () => {
  let ports: number[] = []
  await withHttp(['a'], async (cluster, url) => {
    ports = cluster.sockets.map((s) => Number(s.real.split(':')[1]))
    const res = await fetchBounded(url('a', '/teapot?x=1'), { method: 'PUT', headers: { 'X-Custom': 'Yes', 'X-Distlab-From': 'not an address' }, body: 'hello' })
    assert.is(res.status, 418)
    assert.is(res.headers.get('x-node'), 'a')
    assert.is(res.headers.get('content-type'), 'application/json')
    const text = await res.text()
    // The node's content-length and transfer-encoding are not written; the transport's length is right.
    assert.is(res.headers.get('content-length'), String(Buffer.byteLength(text)))
    assert.is(res.headers.get('transfer-encoding'), null)
    const got = JSON.parse(text) as Echo
    assert.is(got.method, 'PUT')
    assert.is(got.path, '/teapot?x=1')
    assert.is(got.body, 'hello')
    assert.is(got.rid, 1)
    assert.is(got.headers['x-custom'], 'Yes', 'header names lower-case, values as sent')
    assert.not.ok('x-distlab-from' in got.headers, "the runtime's own header is not shown to the node")
    assert.match(got.from, /^127\.0\.0\.1:\d+$/, 'a caller without a valid from header is known by its address')
  })
  for (const port of ports) assert.is(await connectCode(port), 'ECONNREFUSED', `port ${port} is closed after stop`)
})

test('two nodes call each other over HTTP: the callee sees the caller by its address, the caller gets the answer by its own rid', async () => {
  await withHttp(['a', 'b'], async (_cluster, url) => {
    for (const [asker, asked] of [['a', 'b'], ['b', 'a']] as const) {
      const res = await fetchBounded(url(asker, `/ask?to=${asked}`))
      assert.is(res.status, 200)
      const got = (await res.json()) as { status: number; headers: Record<string, string>; answer: Echo }
      assert.is(got.status, 200)
      assert.is(got.headers['x-node'], asked)
      assert.equal({ by: got.answer.by, from: got.answer.from, method: got.answer.method, path: got.answer.path, body: got.answer.body }, { by: asked, from: asker, method: 'POST', path: '/echo/asked', body: `from ${asker}` })
      assert.is(got.answer.headers['x-asked-by'], asker)
      assert.not.ok('x-distlab-from' in got.answer.headers)
    }
  })
})

test('answers pair with requests by rid: two held requests answered newest first each get their own', async () => {
  const held = { count: 0, both: null as null | (() => void) }
  const bothArrived = new Promise<void>((resolve) => (held.both = resolve))
  const listener = (r: TraceRecord): void => {
    if (r.kind === 'deliver' && (r.msg as { path?: string }).path?.startsWith('/hold/') && ++held.count === 2) held.both?.()
  }
  await withHttp(
    ['a'],
    async (_cluster, url) => {
      // One caller (the from header names it) with two requests waiting: rids 1 and 2.
      const headers = { 'x-distlab-from': '127.0.0.1:9' }
      const first = fetchBounded(url('a', '/hold/1'), { headers })
      const second = fetchBounded(url('a', '/hold/2'), { headers })
      await bounded(bothArrived, 'both held requests reaching the node')
      const release = await fetchBounded(url('a', '/release'))
      assert.equal(await release.json(), { released: 2 })
      assert.equal(await (await first).json(), { path: '/hold/1', rid: 1 })
      assert.equal(await (await second).json(), { path: '/hold/2', rid: 2 })
    },
    { trace: { listener, listenerLevel: 'net' } },
  )
})

test('a request to a closed port: the node that sent it with { unreachable: true } hears net.unreachable', async () => {
  const port = await closedPort()
  await withHttp(
    ['a'],
    async (_cluster, url) => {
      const res = await fetchBounded(url('a', `/ask?to=127.0.0.1:${port}`))
      assert.is(res.status, 502)
      assert.equal(await res.json(), { error: 'unreachable', to: `127.0.0.1:${port}` })
    },
    { unreachableAfter: 0 },
  )
})

test('a response over 16 MiB to a node\'s own plain request: the node hears HTTP_ABORT at once, not silence', async () => {
  const big = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    res.end(Buffer.alloc(MAX_BODY + 1, 0x62))
  })
  await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', () => resolve()))
  try {
    const port = (big.address() as { port: number }).port
    await withHttp(['a'], async (_cluster, url) => {
      const res = await fetchBounded(url('a', `/ask?to=127.0.0.1:${port}`))
      assert.is(res.status, 502)
      const body = (await res.json()) as { error: string; reason: string }
      assert.is(body.error, 'aborted')
      assert.match(body.reason, /over 16 MiB/)
    })
  } finally {
    big.closeAllConnections()
    await new Promise<void>((resolve) => big.close(() => resolve()))
  }
})

test('a body over 16 MiB is answered 413 by the transport; the node never sees it and still answers', async () => {
  await withHttp(
    ['a'],
    async (cluster, url) => {
      const res = await fetchBounded(url('a', '/big'), { method: 'POST', body: Buffer.alloc(MAX_BODY + 1, 0x61) })
      assert.is(res.status, 413)
      assert.match(((await res.json()) as { error: string }).error, /over 16 MiB/)
      const small = await fetchBounded(url('a', '/small'), { method: 'POST', body: 'ok' })
      assert.is(((await small.json()) as Echo).path, '/small')
      const delivered = cluster.records.filter((r) => r.kind === 'deliver').map((r) => (r as { msg: { path?: string } }).msg.path)
      assert.equal(delivered, ['/small'])
    },
    { trace: { memory: true } },
  )
})

test('what HTTP cannot carry is dropped as unsendable, with a sentence naming what is wrong', async () => {
  const warned = recordWhere((r) => r.kind === 'log' && /body must be a string/.test((r as { text: string }).text))
  await withHttp(
    ['a'],
    async (cluster, url) => {
      cluster.client('g').send('a', { type: 'PING', n: 1 })
      assert.ok(cluster.records.some((r) => r.kind === 'drop' && r.reason === 'unsendable' && r.type === 'PING'))
      const log = cluster.records.find((r) => r.kind === 'log' && r.level === 'warn') as { text: string } | undefined
      assert.match(log?.text ?? '', /carries only HTTP_REQUEST and HTTP_RESPONSE messages .*a 'PING' message is neither/)
      // The node answers /bad with a body that is a number: dropped at send time, never written.
      const aborting = new AbortController()
      const bad = fetch(url('a', '/bad'), { signal: AbortSignal.any([aborting.signal, AbortSignal.timeout(BOUND_MS)]) }).then(
        () => 'answered',
        () => 'not answered',
      )
      await bounded(warned.found, 'the unsendable warning')
      aborting.abort()
      assert.is(await bad, 'not answered')
    },
    { trace: { memory: true, listener: warned.listener, listenerLevel: 'net' } },
  )
})

test('unsendable(): each malformed HTTP message is named for what is wrong with it', () => {
  const request = { type: 'HTTP_REQUEST', rid: 1, method: 'GET', path: '/', headers: {}, body: '' }
  const response = { type: 'HTTP_RESPONSE', rid: 1, status: 200, headers: {}, body: '' }
  const why = (msg: object): string | null => whyUnsendable(msg as Message)
  assert.is(why(request), null)
  assert.is(why(response), null)
  assert.match(why({ ...request, rid: '1' }) ?? '', /rid must be a number/)
  assert.match(why({ ...request, headers: { accept: 3 } }) ?? '', /header "accept" must be a string/)
  assert.match(why({ ...request, method: 'GE T' }) ?? '', /method "GE T" is not a token/)
  assert.match(why({ ...request, path: 'no-slash' }) ?? '', /path "no-slash" must start with '\/'/)
  assert.match(why({ ...request, path: '/a b' }) ?? '', /percent-encoded/)
  assert.match(why({ ...request, headers: { 'bad name': 'x' } }) ?? '', /header "bad name" is not valid/)
  assert.match(why({ ...request, headers: { ok: 'a\nb' } }) ?? '', /header "ok" is not valid/)
  assert.match(why({ ...response, status: 700 }) ?? '', /status must be an integer from 100 to 599/)
  assert.match(why({ ...response, status: 101 }) ?? '', /informational/)
})

// ---- the transport alone, with a short answer limit -------------------------------------------

/** Transport events kept for a test; `arrival(n)` resolves with the n-th arrival (1-based). */
function recordingEvents(): TransportEvents & { problems: string[]; arrival(n: number): Promise<{ from: string; msg: Message }> } {
  const arrivals: Array<{ from: string; msg: Message }> = []
  const waiting: Array<{ n: number; resolve: (a: { from: string; msg: Message }) => void }> = []
  const problems: string[] = []
  return {
    problems,
    arrival: (n) => new Promise((resolve) => (arrivals[n - 1] ? resolve(arrivals[n - 1] as { from: string; msg: Message }) : waiting.push({ n, resolve }))),
    arrived: (_to: Endpoint, from: string, msg: Message) => {
      arrivals.push({ from, msg })
      for (const w of waiting) if (w.n === arrivals.length) w.resolve({ from, msg })
    },
    refused: () => {},
    problem: (_endpoint: string, text: string) => void problems.push(text),
  }
}

test('a request its node never answers gets a 504 after the answer limit; a late answer is reported and not sent', async () => {
  const events = recordingEvents()
  const transport = new HttpTransport(events, { answerWithinMs: 50 })
  const node: Endpoint = { name: 'a', address: 'a', isClient: false, role: 'node' }
  try {
    const real = await transport.open(node, '127.0.0.1', 0)
    const res = await fetchBounded(`http://${real}/never`)
    assert.is(res.status, 504)
    assert.equal(await res.json(), { error: 'a did not answer GET /never within 0.05 s' })
    const arrival = await bounded(events.arrival(1), 'the request arriving')
    assert.is((arrival.msg as { rid?: number }).rid, 1)
    const late = { type: 'HTTP_RESPONSE', rid: 1, status: 200, headers: {}, body: 'late' } as Message
    assert.is(transport.write(node, arrival.from, late), false)
    assert.match(events.problems.join('\n'), /rid 1 answers no request waiting/)
  } finally {
    await transport.close()
  }
})

test('a lost answer, or a request dropped before its node took it, drops the caller\'s connection', async () => {
  const events = recordingEvents()
  const transport = new HttpTransport(events)
  const node: Endpoint = { name: 'a', address: 'a', isClient: false, role: 'node' }
  try {
    const real = await transport.open(node, '127.0.0.1', 0)
    const outcome = (path: string): Promise<string> => fetchBounded(`http://${real}${path}`).then((r) => `answered ${r.status}`, (e: Error) => (e.name === 'TimeoutError' ? 'timed out' : 'dropped'))
    const first = outcome('/one')
    const arrival = await bounded(events.arrival(1), 'the request arriving')
    transport.lost(node, arrival.from, { type: 'HTTP_RESPONSE', rid: 1, status: 200, headers: {}, body: '' } as Message)
    assert.is(await first, 'dropped', 'a lost response: no answer, the connection drops')
    const second = outcome('/two')
    transport.undelivered(node, (await bounded(events.arrival(2), 'the second request arriving')).msg)
    assert.is(await second, 'dropped', 'a request its node never took: the connection drops')
  } finally {
    await transport.close()
  }
})

test.run()
