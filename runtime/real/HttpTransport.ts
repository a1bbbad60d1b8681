// HTTP messages (runtime/node/http.ts) as real HTTP/1.1, so curl, fetch or a browser can talk to
// a node. Every endpoint is an HTTP server at http://its-address/. A request that arrives becomes
// an HTTP_REQUEST to the node, numbered per caller (`rid`); the node's HTTP_RESPONSE with that rid
// answers it, in any order. An HTTP_REQUEST a node sends is made as a real request, with the header
// `X-Distlab-From` naming the sender's own server so the callee knows who calls; its response comes
// back as an HTTP_RESPONSE with the sender's own rid. Bodies are text (httpWire.ts has the rules).
// A node's own request may stream its body (`bodyFollows`) or its response's (`streamResponse`) in
// acknowledged pieces: httpStreams.ts keeps those exchanges going. A node serving HTTP gets and
// gives whole bodies.
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { isHttpStreamMessage, type HttpAbortMessage, type HttpRequestMessage, type HttpResponseMessage } from '../node/http.ts'
import type { Message } from '../node/types.ts'
import type { Endpoint } from '../sim/Endpoint.ts'
import { FROM_HEADER, MAX_BODY, framingOf, headersOf, headersToWrite, readBody, whyUnsendable, writeError } from './httpWire.ts'
import { HttpServers } from './HttpServers.ts'
import { HttpStreams } from './httpStreams.ts'
import { isLoopback, splitAddress, type Transport, type TransportEvents } from './Transport.ts'

/** A request the node never answers gets a 504 after this long, so no caller hangs. */
export const ANSWER_WITHIN_MS = 30_000
/** A node's own request is abandoned this much after the callee's limit, so the callee's 504 comes first. */
const CALLER_GRACE_MS = 1000

export interface HttpTransportOptions {
  /** How long a request waits for its node's answer (default ANSWER_WITHIN_MS); tests shorten it. */
  answerWithinMs?: number
}

interface Pending {
  request: HttpRequestMessage
  response: ServerResponse
  timer: NodeJS.Timeout
}

export class HttpTransport implements Transport {
  readonly kind = 'http'
  private readonly servers = new HttpServers()
  /** `endpoint>caller` → the requests waiting for the endpoint's answer, by rid. */
  private readonly pending = new Map<string, Map<number, Pending>>()
  /** `endpoint>caller` → the last rid given to that caller's requests. */
  private readonly rids = new Map<string, number>()
  /** Connections from outside whose end forgets their rids (a new connection is a new caller). */
  private readonly watched = new WeakSet<object>()
  /** Requests the run's nodes are making: aborted at close, and when they take too long. */
  private readonly outgoing = new Set<ClientRequest>()
  /** Keeps a node's connections to a callee open between requests (no socket per request). */
  private readonly agent = new Agent({ keepAlive: true })
  private readonly answerWithinMs: number
  /** A node's own requests with streamed bodies; `streams.peakInFlight` is there for tests. */
  readonly streams: HttpStreams

  constructor(
    private readonly events: TransportEvents,
    options: HttpTransportOptions = {},
  ) {
    this.answerWithinMs = options.answerWithinMs ?? ANSWER_WITHIN_MS
    // A stream is abandoned after as long without progress as a whole request may take.
    this.streams = new HttpStreams(events, this.answerWithinMs + CALLER_GRACE_MS)
  }

  open(endpoint: Endpoint, host: string, port: number): Promise<string> {
    return this.servers.open(endpoint, host, port, (req, res) => this.serve(endpoint, req, res), (err) => this.events.problem(endpoint.name, `HTTP server: ${err.message}`))
  }

  unsendable(msg: Message): string | null {
    return whyUnsendable(msg)
  }

  write(from: Endpoint, to: string, msg: Message): boolean {
    if (msg.type === 'HTTP_RESPONSE') return this.answer(from, to, msg as unknown as HttpResponseMessage)
    if (msg.type === 'HTTP_REQUEST') return this.request(from, to, msg as unknown as HttpRequestMessage)
    if (isHttpStreamMessage(msg)) return this.streams.write(from, to, msg)
    return false
  }

  /**
   * A lost answer: the request it answers fails as a lost response does (its connection drops). A
   * lost piece or acknowledgement of a streamed body breaks its exchange (the node hears HTTP_ABORT).
   */
  lost(from: Endpoint, to: string, msg: Message): void {
    if (msg.type !== 'HTTP_RESPONSE') return this.streams.lost(from, to, msg)
    this.take(`${from.name}>${to}`, (msg as unknown as HttpResponseMessage).rid)?.response.destroy()
  }

  /** A request that arrived was dropped before its node took it: it fails as an unanswered one does. */
  undelivered(to: Endpoint, msg: Message): void {
    this.streams.undelivered(to, msg)
    if (msg.type !== 'HTTP_REQUEST') return
    for (const [key, waiting] of this.pending) {
      if (!key.startsWith(`${to.name}>`)) continue
      for (const [rid, pending] of waiting) {
        if (pending.request !== msg) continue
        this.take(key, rid)
        pending.response.destroy()
        return
      }
    }
  }

  async close(): Promise<void> {
    this.streams.close()
    for (const req of this.outgoing) req.destroy()
    this.outgoing.clear()
    this.agent.destroy()
    for (const waiting of this.pending.values()) for (const pending of waiting.values()) clearTimeout(pending.timer)
    this.pending.clear()
    this.rids.clear()
    await this.servers.close()
  }

  // ---- requests a node makes -----------------------------------------------------------------

  private request(from: Endpoint, to: string, msg: HttpRequestMessage): boolean {
    const target = splitAddress(to)
    if (!target) return false
    const streamed = msg.bodyFollows === true || msg.streamResponse === true
    if (streamed && this.streams.busy(from, to, msg.rid)) {
      this.events.problem(from.name, `${msg.method} ${msg.path} to ${to} has rid ${msg.rid}, which a streamed request of ${from.name} to ${to} still uses: not sent`)
      return false
    }
    const body = Buffer.from(msg.body, 'utf8')
    const self = this.servers.addressOf(from)
    const headers = { ...headersToWrite(msg.headers), ...framingOf(msg, body), ...(self ? { [FROM_HEADER]: self } : {}) }
    let req: ClientRequest
    try {
      req = httpRequest({ host: target.host, port: target.port, method: msg.method, path: msg.path, headers, agent: this.agent })
    } catch (err) {
      const why = `${msg.method} ${msg.path} to ${to} cannot be made: ${(err as Error).message}`
      this.events.problem(from.name, why)
      if (streamed) this.streams.failed(from, to, msg, why)
      return false
    }
    if (streamed) {
      this.streams.open(from, to, msg, req)
      if (!msg.bodyFollows) req.end(body)
      return true
    }
    req.on('response', (res) =>
      readBody(res, (text, tooBig) => {
        if (tooBig) {
          // As a connection that broke off: the node hears it at once instead of waiting out its time-out.
          const reason = `the response is over ${MAX_BODY >> 20} MiB (ask for it with streamResponse)`
          this.events.problem(from.name, `the response to ${msg.method} ${msg.path} from ${to}: ${reason}`)
          return this.events.arrived(from, to, { type: 'HTTP_ABORT', rid: msg.rid, reason } as HttpAbortMessage)
        }
        const response: HttpResponseMessage = { type: 'HTTP_RESPONSE', rid: msg.rid, status: res.statusCode ?? 502, headers: headersOf(res.headers), body: text.toString('utf8') }
        this.events.arrived(from, to, response)
      }),
    )
    this.outgoing.add(req)
    // A callee that never answers: the request is abandoned, as a lost answer.
    const timer = setTimeout(() => req.destroy(), this.answerWithinMs + CALLER_GRACE_MS)
    req.on('close', () => {
      clearTimeout(timer)
      this.outgoing.delete(req)
    })
    req.on('error', (err: NodeJS.ErrnoException) => {
      // Nobody listens: as a connect that fails. A connection dropped after the request went out is
      // a lost answer (the runtime lost it on purpose, or the callee went away): nothing comes back.
      if (err.code === 'ECONNREFUSED') this.events.refused(from, to, msg)
    })
    req.end(body)
    return true
  }

  // ---- requests a node answers ---------------------------------------------------------------

  private serve(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): void {
    const named = fromHeaderOf(req)
    const caller = named ?? `${req.socket.remoteAddress}:${req.socket.remotePort}`
    const key = `${endpoint.name}>${caller}`
    if (!named && !this.watched.has(req.socket)) {
      this.watched.add(req.socket)
      req.socket.once('close', () => this.rids.delete(key))
    }
    readBody(req, (body, tooBig) => {
      if (tooBig) return writeError(res, 413, `a request body over ${MAX_BODY >> 20} MiB`)
      const rid = (this.rids.get(key) ?? 0) + 1
      this.rids.set(key, rid)
      const msg: HttpRequestMessage = { type: 'HTTP_REQUEST', rid, method: req.method ?? 'GET', path: req.url ?? '/', headers: headersOf(req.headers, FROM_HEADER), body: body.toString('utf8') }
      const waiting = this.pending.get(key) ?? this.pending.set(key, new Map()).get(key)
      const pending: Pending = {
        request: msg,
        response: res,
        timer: setTimeout(() => {
          if (this.take(key, rid)) writeError(res, 504, `${endpoint.name} did not answer ${msg.method} ${msg.path} within ${this.answerWithinMs / 1000} s`)
        }, this.answerWithinMs),
      }
      waiting?.set(rid, pending)
      // A caller that goes away waits no more: a late answer is reported, not written.
      res.on('close', () => {
        if (this.pending.get(key)?.get(rid) === pending) this.take(key, rid)
      })
      this.events.arrived(endpoint, caller, msg)
    })
  }

  /** The request waiting under `key` with this rid, taken out (its timer stopped); null if none. */
  private take(key: string, rid: number): Pending | null {
    const waiting = this.pending.get(key)
    const pending = waiting?.get(rid)
    if (!waiting || !pending) return null
    waiting.delete(rid)
    if (waiting.size === 0) this.pending.delete(key)
    clearTimeout(pending.timer)
    return pending
  }

  /** The node's answer to the request of the same rid from `to` (any order); false if none waits. */
  private answer(from: Endpoint, to: string, msg: HttpResponseMessage): boolean {
    const pending = this.take(`${from.name}>${to}`, msg.rid)
    if (!pending) {
      this.events.problem(from.name, `an HTTP_RESPONSE to ${to} with rid ${msg.rid} answers no request waiting from ${to}: not sent`)
      return false
    }
    const body = Buffer.from(msg.body, 'utf8')
    const headers = headersToWrite(msg.headers)
    // 204 and 304 have no body, and so no length.
    if (msg.status !== 204 && msg.status !== 304) headers['content-length'] = String(body.length)
    try {
      pending.response.writeHead(msg.status, headers).end(body)
    } catch (err) {
      this.events.problem(from.name, `the answer to ${pending.request.method} ${pending.request.path} cannot be written: ${(err as Error).message}`)
      writeError(pending.response, 500, `${from.name} answered with a response that cannot be written as HTTP`)
    }
    return true
  }
}

/** The caller a request names: a loopback `ip:port` in X-Distlab-From (the server of a node of the run). */
function fromHeaderOf(req: IncomingMessage): string | null {
  const value = req.headers[FROM_HEADER]
  const split = typeof value === 'string' ? splitAddress(value) : null
  return split && isLoopback(split.host) ? (value as string) : null
}
