// Real mode over HTTP, streamed bodies: a node's own requests upload and download bodies of any
// size in acknowledged pieces (bodyFollows, streamResponse, HTTP_BODY, HTTP_BODY_ACK, HTTP_ABORT),
// here against a plain node:http server outside the cluster, as the disk-client assignment's node
// talks to its Yandex.Disk emulator. Every wait is bounded; servers are closed in finally.
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { HTTP_BODY_WINDOW } from '../../runtime/node/http.ts'
import type { Message } from '../../runtime/node/types.ts'
import { HttpTransport } from '../../runtime/real/HttpTransport.ts'
import { whyUnsendable } from '../../runtime/real/httpWire.ts'
import type { TransportEvents } from '../../runtime/real/Transport.ts'
import type { Endpoint } from '../../runtime/sim/Endpoint.ts'
import type { Cluster, NodeSpec, TraceRecord } from '../../runtime/index.ts'
import { fixture, withCluster } from '../helpers.ts'
import { freePort } from '../lab/nodeProcess.ts'

const test = suite('real mode over HTTP: streamed bodies')
const streamer = fixture('httpStreamer')
const MiB = 1 << 20
/** No wait of these tests should take longer than this; a hang fails the test instead. */
const BOUND_MS = 60_000

/** `promise`, or a failure naming `what` if it has not settled within `ms`. */
function bounded<T>(promise: Promise<T>, what: string, ms = BOUND_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)))
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

// ---- the server outside the cluster -----------------------------------------------------------

/** The bytes the server sends from `offset` on (its own pattern, not the node's). */
function served(offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length)
  for (let i = 0; i < length; i++) out[i] = ((offset + i) * 17 + ((offset + i) >>> 10)) & 0xff
  return out
}

type Upload = { path: string; bytes: number; sha256: string; te: string | null; length: string | null; complete: boolean; closed: boolean }

/** What the server saw and did, for the test to check. */
class Outside {
  readonly uploads: Upload[] = []
  /** sha256 of each download body the server wrote in full, by path. */
  readonly sent = new Map<string, string>()
  resets = 0
  /** Uploads that stopped being read after their first bytes (`?stall`), until release(). */
  private readonly stalled: IncomingMessage[] = []
  private waiters: Array<() => void> = []
  address = ''

  /** Resolves when `condition()` holds (checked whenever the server records something). */
  when(condition: () => boolean, what: string, ms = BOUND_MS): Promise<void> {
    if (condition()) return Promise.resolve()
    return bounded(new Promise<void>((resolve) => this.waiters.push(() => condition() && resolve())), what, ms)
  }

  /** Reads the stalled uploads again. */
  release(): void {
    for (const req of this.stalled.splice(0)) req.resume()
  }

  changed(): void {
    for (const check of this.waiters) check()
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x')
    const after = Number(url.searchParams.get('after') ?? Infinity)
    if (req.method === 'PUT') return this.receive(req, res, url.pathname, after, url.searchParams.has('stall'))
    if (url.searchParams.has('close')) res.setHeader('connection', 'close')
    this.serve(req, res, url.pathname, Number(url.searchParams.get('bytes') ?? 0), after)
  }

  /** Receives an upload, hashing it; resets the connection after `after` bytes; `stall` stops reading after the first bytes. */
  private receive(req: IncomingMessage, res: ServerResponse, path: string, after: number, stall: boolean): void {
    const hash = createHash('sha256')
    const upload: Upload = { path, bytes: 0, sha256: '', te: req.headers['transfer-encoding'] ?? null, length: req.headers['content-length'] ?? null, complete: false, closed: false }
    this.uploads.push(upload)
    req.on('data', (chunk: Buffer) => {
      upload.bytes += chunk.length
      hash.update(chunk)
      if (stall && upload.bytes === chunk.length) {
        req.pause()
        this.stalled.push(req)
      }
      if (upload.bytes >= after && !req.socket.destroyed) {
        this.resets++
        req.socket.resetAndDestroy()
      }
      this.changed()
    })
    req.on('end', () => {
      upload.complete = true
      upload.sha256 = hash.digest('hex')
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: upload.bytes, sha256: upload.sha256 }))
      this.changed()
    })
    req.on('close', () => {
      upload.closed = true
      this.changed()
    })
  }

  /** Serves `bytes` generated bytes with backpressure; resets the connection after `after` bytes (`?close`: and closes it at the end). */
  private serve(req: IncomingMessage, res: ServerResponse, path: string, bytes: number, after: number): void {
    const hash = createHash('sha256')
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) })
    let offset = 0
    const more = (): void => {
      while (offset < bytes) {
        if (offset >= after) {
          this.resets++
          res.socket?.resetAndDestroy()
          return this.changed()
        }
        const chunk = served(offset, Math.min(64 << 10, bytes - offset))
        offset += chunk.length
        hash.update(chunk)
        if (!res.write(chunk)) return void res.once('drain', more)
      }
      res.end(() => {
        this.sent.set(path, hash.digest('hex'))
        this.changed()
      })
    }
    req.resume()
    more()
  }
}

async function withServer<T>(body: (outside: Outside) => Promise<T>): Promise<T> {
  const outside = new Outside()
  const server = createServer((req, res) => outside.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  outside.address = `127.0.0.1:${(server.address() as { port: number }).port}`
  try {
    return await body(outside)
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

// ---- the node in a real cluster ---------------------------------------------------------------

/** The streamer node's console lines and the HTTP_ABORTs delivered to it, as they happen. */
class Node {
  readonly lines: string[] = []
  aborts = 0
  private waiters: Array<() => void> = []
  readonly listener = (r: TraceRecord): void => {
    if (r.kind === 'console') this.lines.push(r.line)
    else if (r.kind === 'deliver' && r.msg.type === 'HTTP_ABORT') this.aborts++
    else return
    for (const check of this.waiters) check()
  }

  /** The first console line matching `pattern` (one already printed, or the next). */
  line(pattern: RegExp, what: string): Promise<string> {
    const find = (): string | undefined => this.lines.find((l) => pattern.test(l))
    const found = find()
    if (found) return Promise.resolve(found)
    return bounded(new Promise<string>((resolve) => this.waiters.push(() => void (find() && resolve(find() as string)))), what)
  }
}

/** A real cluster over HTTP with one streamer node `n` (and `others`), served while `body` runs. */
async function withStreamer<T>(body: (cluster: Cluster, node: Node, outside: Outside) => Promise<T>, others: NodeSpec[] = []): Promise<T> {
  const node = new Node()
  return withServer((outside) =>
    withCluster({ mode: 'real', transport: 'http', nodes: [{ name: 'n', module: streamer }, ...others], trace: { listener: node.listener, listenerLevel: 'net' } }, async (cluster) => {
      const serving = cluster.serve()
      try {
        return await body(cluster, node, outside)
      } finally {
        await cluster.stop()
        await serving
      }
    }),
  )
}

/** `key=value` fields of a result line. */
function fields(line: string): Record<string, string> {
  return Object.fromEntries(line.split(' ').filter((w) => w.includes('=')).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]))
}

test('an upload of 32 MiB in chunked pieces arrives complete and equal', async () => {
  await withStreamer(async (cluster, node, outside) => {
    const bytes = 32 * MiB + 12345
    cluster.input('n', `upload ${outside.address} /up ${bytes} ${256 << 10}`)
    const done = fields(await node.line(/^upload 1 /, 'the upload finishing'))
    const upload = outside.uploads[0] as Upload
    assert.is(done.status, '201')
    assert.is(upload.bytes, bytes, 'every byte arrived')
    assert.is(upload.sha256, done.sha256, 'the bytes the server hashed are the bytes the node hashed')
    assert.is(upload.te, 'chunked', 'no content-length given: chunked')
    assert.equal(JSON.parse(done.body as string), { bytes, sha256: done.sha256 })
    assert.is(node.aborts, 0)
  })
})

test("an upload with the node's content-length is sent with that length, not chunked", async () => {
  await withStreamer(async (cluster, node, outside) => {
    const bytes = 5 * MiB + 7
    cluster.input('n', `upload ${outside.address} /fixed ${bytes} 100000 length`)
    const done = fields(await node.line(/^upload 1 /, 'the upload finishing'))
    const upload = outside.uploads[0] as Upload
    assert.equal({ status: done.status, bytes: upload.bytes, sha: upload.sha256, length: upload.length, te: upload.te }, { status: '201', bytes, sha: done.sha256, length: String(bytes), te: null })
  })
})

test('a download of 32 MiB arrives complete and equal, never more than HTTP_BODY_WINDOW pieces unacknowledged', async () => {
  await withStreamer(async (cluster, node, outside) => {
    const bytes = 32 * MiB + 3
    // The server closes the connection at the end: a body read in full is no break, whatever the node has taken.
    cluster.input('n', `download ${outside.address} /down?bytes=${bytes}&close lazy`)
    const done = fields(await node.line(/^download 1 /, 'the download finishing'))
    assert.is(done.status, '200')
    assert.is(Number(done.bytes), bytes)
    assert.is(done.sha256, outside.sent.get('/down'), 'the bytes the node hashed are the bytes the server sent')
    // The node acknowledges only on a timer tick: a transport that did not pause would hand it more.
    assert.is(Number(done.maxHeld), HTTP_BODY_WINDOW, `the node held at most ${HTTP_BODY_WINDOW} pieces, and the window filled`)
    assert.ok(Number(done.pieces) > HTTP_BODY_WINDOW)
    assert.is(node.aborts, 0)
  })
})

test('a connection reset in the middle of a download gives the node exactly one HTTP_ABORT', async () => {
  await withStreamer(async (cluster, node, outside) => {
    cluster.input('n', `download ${outside.address} /cut?bytes=${32 * MiB}&after=${2 * MiB}`)
    const abort = await node.line(/^abort 1 /, 'the abort reaching the node')
    assert.match(abort, /broke off|closed before the response ended|failed/)
    // Something after it, to completion: no second abort came meanwhile, and the node still works.
    cluster.input('n', `download ${outside.address} /after?bytes=1000`)
    assert.match(await node.line(/^download 2 /, 'the next download'), /status=200 bytes=1000 /)
    assert.is(node.lines.filter((l) => l.startsWith('abort')).length, 1)
    assert.is(node.aborts, 1)
    assert.not.ok(node.lines.some((l) => l.startsWith('download 1 ')))
  })
})

test('a connection reset in the middle of an upload gives the node exactly one HTTP_ABORT', async () => {
  await withStreamer(async (cluster, node, outside) => {
    cluster.input('n', `upload ${outside.address} /cut?after=${2 * MiB} ${32 * MiB} ${64 << 10}`)
    const abort = await node.line(/^abort 1 /, 'the abort reaching the node')
    assert.match(abort, /failed|closed before the response ended/)
    assert.is(outside.resets, 1)
    cluster.input('n', `upload ${outside.address} /after 1000 300`)
    assert.match(await node.line(/^upload 2 /, 'the next upload'), /status=201 sent=1000 /)
    assert.is(node.lines.filter((l) => l.startsWith('abort')).length, 1)
    assert.is(node.aborts, 1)
  })
})

test("a node's own HTTP_ABORT destroys its request: the server sees it cut short, the node hears nothing back", async () => {
  await withStreamer(async (cluster, node, outside) => {
    cluster.input('n', `upload ${outside.address} /stalled?stall ${64 * MiB} ${64 << 10}`)
    await outside.when(() => (outside.uploads[0]?.bytes ?? 0) > 0, 'the upload starting')
    cluster.input('n', 'abort 1')
    outside.release()
    // Well before the transport's idle limit (31 s), which would cut it too.
    const upload = outside.uploads[0] as Upload
    await outside.when(() => upload.closed, 'the server seeing the upload cut', 10_000)
    cluster.input('n', `download ${outside.address} /after?bytes=10`)
    assert.match(await node.line(/^download 2 /, 'the next download'), /bytes=10 /)
    assert.not.ok(upload.complete, 'the upload never ended on the server')
    assert.ok(upload.bytes < 64 * MiB)
    assert.is(node.aborts, 0, 'the node that aborted hears no HTTP_ABORT')
  })
})

test('to another node of the run: the callee gets and gives whole bodies, the caller streams its own', async () => {
  await withStreamer(
    async (cluster, node) => {
      cluster.input('n', 'upload e /echo/up 3000 1000')
      const line = await node.line(/^upload 1 /, 'the upload to the echo node')
      const up = fields(line)
      // The echo node answers with what it got, as JSON (the body field of the line holds spaces).
      const echo = JSON.parse(line.slice(line.indexOf(' body=') + 6)) as { method: string; path: string; body: string; headers: Record<string, string> }
      assert.equal({ status: up.status, method: echo.method, path: echo.path, te: echo.headers['transfer-encoding'] }, { status: '200', method: 'PUT', path: '/echo/up', te: 'chunked' })
      cluster.input('n', 'download e /echo/down')
      const down = fields(await node.line(/^download 2 /, 'the download from the echo node'))
      assert.is(down.status, '200')
      assert.ok(Number(down.bytes) > 0)
      assert.is(node.aborts, 0)
    },
    [{ name: 'e', module: fixture('httpEcho') }],
  )
})

// Memory is not asserted here: how far RSS grows depends on when V8 collects, which depends on
// the machine. `npm run bench disk` measures a 256 MiB transfer's peak RSS against a baseline in
// the same run (bounded: the same at 512 MiB); the tests above prove the window that bounds it.

// ---- the transport alone ----------------------------------------------------------------------

type Arrival = { from: string; msg: Message & Record<string, unknown> }

/** Transport events kept for a test; `next(match)` resolves with the first arrival `match` accepts. */
function recordingEvents(): TransportEvents & { problems: string[]; arrivals: Arrival[]; refusals: Message[]; next(match: (a: Arrival) => boolean, what: string): Promise<Arrival> } {
  const arrivals: Arrival[] = []
  const waiting: Array<() => void> = []
  const problems: string[] = []
  const refusals: Message[] = []
  return {
    problems,
    arrivals,
    refusals,
    next: (match, what) => {
      const found = arrivals.find(match)
      if (found) return Promise.resolve(found)
      return bounded(new Promise((resolve) => waiting.push(() => void (arrivals.find(match) && resolve(arrivals.find(match) as Arrival)))), what, 5000)
    },
    arrived: (_to: Endpoint, from: string, msg: Message) => {
      arrivals.push({ from, msg: msg as Arrival['msg'] })
      for (const w of waiting) w()
    },
    refused: (_from: Endpoint, _to: string, msg: Message) => void refusals.push(msg),
    problem: (_endpoint: string, text: string) => void problems.push(text),
  }
}

/** A loopback port nobody listens on (it was free a moment ago). */
const closedPort = freePort

const node: Endpoint = { name: 'n', address: 'n', isClient: false, role: 'node' }
const request = (rid: number, path: string, extra: object): Message => ({ type: 'HTTP_REQUEST', rid, method: 'PUT', path, headers: {}, body: '', ...extra }) as Message
const piece = (rid: number, seq: number, data: Uint8Array, last = false): Message => ({ type: 'HTTP_BODY', rid, seq, data, last }) as Message

test('the transport: pieces for no exchange are reported and not sent; a lost acknowledgement or piece breaks its exchange once', async () => {
  await withServer(async (outside) => {
    const events = recordingEvents()
    const transport = new HttpTransport(events)
    const to = outside.address
    try {
      assert.is(transport.write(node, to, piece(9, 0, new Uint8Array(1))), false)
      assert.match(events.problems.join('\n'), /HTTP_BODY to .* with rid 9 belongs to no streamed request/)
      // An upload whose piece 1 the runtime loses: the node hears one HTTP_ABORT, the server a cut.
      transport.write(node, to, request(1, '/lost', { bodyFollows: true }))
      transport.write(node, to, piece(1, 0, new Uint8Array(1000)))
      await events.next((a) => a.msg.type === 'HTTP_BODY_ACK' && a.msg.rid === 1, 'piece 0 acknowledged')
      await outside.when(() => outside.uploads.some((u) => u.path === '/lost' && u.bytes === 1000), 'piece 0 reaching the server', 5000)
      transport.lost(node, to, piece(1, 1, new Uint8Array(1000)))
      const abort = await events.next((a) => a.msg.type === 'HTTP_ABORT' && a.msg.rid === 1, 'the abort')
      assert.match(String(abort.msg.reason), /piece 1 was lost/)
      assert.is(abort.from, to, 'from the address the node talked to')
      // Its stragglers pass quietly; a piece out of order aborts the next upload.
      const problems = events.problems.length
      transport.write(node, to, piece(1, 2, new Uint8Array(10)))
      assert.is(events.problems.length, problems)
      transport.write(node, to, request(2, '/hole', { bodyFollows: true }))
      transport.write(node, to, piece(2, 1, new Uint8Array(10)))
      assert.match(String((await events.next((a) => a.msg.type === 'HTTP_ABORT' && a.msg.rid === 2, 'the second abort')).msg.reason), /before piece 0/)
      // A download whose piece was dropped before the node took it (down, cut off): aborted too.
      transport.write(node, to, { ...request(3, '/dl?bytes=1000000', { streamResponse: true }), method: 'GET' } as Message)
      const first = await events.next((a) => a.msg.type === 'HTTP_BODY' && a.msg.rid === 3, 'a piece of the download')
      transport.undelivered(node, first.msg)
      assert.match(String((await events.next((a) => a.msg.type === 'HTTP_ABORT' && a.msg.rid === 3, 'the third abort')).msg.reason), /did not take/)
      await outside.when(() => outside.uploads.some((u) => u.path === '/lost' && u.closed), 'the server seeing the upload cut', 5000)
      assert.not.ok(outside.uploads.some((u) => u.complete))
      // Nobody listens: a refusal (net.unreachable for a node that asked) and the abort.
      const nobody = `127.0.0.1:${await closedPort()}`
      const refused = request(4, '/x', { streamResponse: true })
      transport.write(node, nobody, refused)
      assert.match(String((await events.next((a) => a.msg.type === 'HTTP_ABORT' && a.msg.rid === 4, 'the fourth abort')).msg.reason), /ECONNREFUSED/)
      assert.equal(events.refusals, [refused])
      assert.is(events.arrivals.filter((a) => a.msg.type === 'HTTP_ABORT').length, 4, 'one abort per broken exchange')
    } finally {
      await transport.close()
    }
  })
})

test('the transport: a body that does not match its content-length is not sent past it; a download paced by hand keeps the window', async () => {
  await withServer(async (outside) => {
    const events = recordingEvents()
    const transport = new HttpTransport(events)
    const to = outside.address
    try {
      transport.write(node, to, request(1, '/short', { bodyFollows: true, headers: { 'content-length': '10' } }))
      transport.write(node, to, piece(1, 0, new Uint8Array(11), true))
      assert.match(String((await events.next((a) => a.msg.type === 'HTTP_ABORT', 'the abort')).msg.reason), /content-length 10/)
      assert.match(events.problems.join('\n'), /end at 11 bytes, but its content-length is 10/)
      // Acknowledge each piece only once the window is full (or the body ended).
      transport.write(node, to, { ...request(2, `/paced?bytes=${4 * MiB}`, { streamResponse: true }), method: 'GET' } as Message)
      const head = await events.next((a) => a.msg.type === 'HTTP_RESPONSE' && a.msg.rid === 2, 'the response head')
      assert.equal({ status: head.msg.status, body: head.msg.body, bodyFollows: head.msg.bodyFollows }, { status: 200, body: '', bodyFollows: true })
      const hash = createHash('sha256')
      let acked = 0
      let bytes = 0
      for (let seq = 0; ; seq++) {
        const got = await events.next((a) => a.msg.type === 'HTTP_BODY' && a.msg.rid === 2 && a.msg.seq === seq, `piece ${seq}`)
        hash.update(got.msg.data as Uint8Array)
        bytes += (got.msg.data as Uint8Array).byteLength
        if (got.msg.last) break
        if (seq - acked + 1 === HTTP_BODY_WINDOW) for (; acked <= seq; acked++) transport.write(node, to, { type: 'HTTP_BODY_ACK', rid: 2, seq: acked } as Message)
      }
      assert.is(bytes, 4 * MiB)
      assert.is(hash.digest('hex'), outside.sent.get('/paced'))
      assert.is(transport.streams.peakInFlight, HTTP_BODY_WINDOW)
    } finally {
      await transport.close()
    }
  })
})

test('unsendable(): streamed-body messages are accepted when well-formed, refused with a sentence when not', () => {
  const why = (msg: object): string | null => whyUnsendable(msg as Message)
  const body = { type: 'HTTP_BODY', rid: 1, seq: 0, data: new Uint8Array(3), last: false }
  assert.is(why(body), null)
  assert.is(why({ type: 'HTTP_BODY_ACK', rid: 1, seq: 4 }), null)
  assert.is(why({ type: 'HTTP_ABORT', rid: 1, reason: 'enough' }), null)
  assert.match(why({ ...body, rid: '1' }) ?? '', /rid must be the number/)
  assert.match(why({ ...body, seq: -1 }) ?? '', /seq must be the piece's number/)
  assert.match(why({ ...body, data: 'abc' }) ?? '', /data must be a Uint8Array \(it is string\)/)
  assert.match(why({ ...body, last: undefined }) ?? '', /last must be true or false/)
  assert.match(why({ type: 'HTTP_BODY_ACK', rid: 1, seq: 0.5 }) ?? '', /seq/)
  assert.match(why({ type: 'HTTP_ABORT', rid: 1 }) ?? '', /reason must be a string/)
  const request = { type: 'HTTP_REQUEST', rid: 1, method: 'PUT', path: '/f', headers: {}, body: '', bodyFollows: true }
  assert.is(why(request), null)
  assert.is(why({ ...request, headers: { 'content-length': '123' } }), null)
  assert.match(why({ ...request, body: 'x' }) ?? '', /its own body must be empty/)
  assert.match(why({ ...request, headers: { 'content-length': 'lots' } }) ?? '', /"lots" is not a number of bytes/)
  assert.match(why({ ...request, streamResponse: 'yes' }) ?? '', /streamResponse must be true, false or absent/)
  assert.match(why({ type: 'HTTP_RESPONSE', rid: 1, status: 200, headers: {}, body: '', bodyFollows: true }) ?? '', /answers with a whole body .*streamed bodies are for a node's own requests/)
})

test.run()
