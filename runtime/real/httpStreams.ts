// Streamed bodies of a node's own HTTP requests (runtime/node/http.ts: `bodyFollows`,
// `streamResponse`, HTTP_BODY, HTTP_BODY_ACK, HTTP_ABORT) over real HTTP/1.1, so a node uploads and
// downloads bodies of any size holding a window of pieces, never the whole body:
//
// - Upload: the request goes out with the node's headers and stays open; each HTTP_BODY the node
//   sends is written in order and acknowledged (HTTP_BODY_ACK) once the socket took it (write()
//   returned true, or at 'drain'); `last` ends the request.
// - Download: the response's headers come as an HTTP_RESPONSE with `bodyFollows`, its body as
//   HTTP_BODY pieces; the response is paused while HTTP_BODY_WINDOW pieces are unacknowledged.
// - A break (a reset, an error, no progress for the idle limit, a piece or acknowledgement the
//   runtime lost or could not deliver) ends the exchange: the node hears one HTTP_ABORT. A node's
//   own HTTP_ABORT destroys its request.
//
// HttpTransport makes the request (headers, framing); this module keeps the exchange going.
import type { ClientRequest, IncomingMessage } from 'node:http'
import { HTTP_BODY_WINDOW, type HttpBodyMessage, type HttpRequestMessage, type HttpResponseMessage, type HttpStreamMessage } from '../node/http.ts'
import type { Message } from '../node/types.ts'
import type { Endpoint } from '../sim/Endpoint.ts'
import { MAX_BODY, contentLengthOf, headersOf, readBody } from './httpWire.ts'
import type { TransportEvents } from './Transport.ts'

/** A response piece gathers what the socket has ready, up to about this much. */
export const PIECE_BYTES = 256 << 10
/** Exchanges that ended, remembered so stragglers for them (pieces in flight, late acks) pass quietly. */
const ENDED_KEPT = 4096

/** How an abort reaches the node: at once, soon (not inside the runtime's own call), or not at all (it asked). */
type Tell = 'now' | 'soon' | 'never'

export class HttpStreams {
  /** `from>to#rid` → the exchange still going. */
  private readonly live = new Map<string, Exchange>()
  private readonly ended = new Set<string>()
  /** Messages handed to nodes, with their exchange: one dropped before its node took it breaks it. */
  private readonly handed = new WeakMap<object, Exchange>()
  /** The most response pieces ever unacknowledged in one exchange (tests: never over HTTP_BODY_WINDOW). */
  peakInFlight = 0

  constructor(
    readonly events: TransportEvents,
    /** An exchange that makes no progress for this long is aborted. */
    readonly idleMs: number,
  ) {}

  /** Whether `from` has a streamed exchange numbered `rid` going with `to` (a new one may not reuse it). */
  busy(from: Endpoint, to: string, rid: number): boolean {
    return this.live.has(keyOf(from, to, rid))
  }

  /** Keeps the streamed exchange of `msg` (bodyFollows or streamResponse) going on `req`. */
  open(from: Endpoint, to: string, msg: HttpRequestMessage, req: ClientRequest): void {
    const key = keyOf(from, to, msg.rid)
    this.ended.delete(key)
    this.live.set(key, new Exchange(this, key, from, to, msg, req))
  }

  /** A streamed request that could not be made at all: the node hears HTTP_ABORT, its pieces pass quietly. */
  failed(from: Endpoint, to: string, msg: HttpRequestMessage, reason: string): void {
    this.remember(keyOf(from, to, msg.rid))
    setImmediate(() => this.events.arrived(from, to, { type: 'HTTP_ABORT', rid: msg.rid, reason } as Message))
  }

  /** A piece, an acknowledgement or an abort from a node for its exchange with `to`; always false (nothing arrives at `to` as a message). */
  write(from: Endpoint, to: string, msg: HttpStreamMessage): false {
    const key = keyOf(from, to, msg.rid)
    const exchange = this.live.get(key)
    if (!exchange) {
      if (!this.ended.has(key)) this.events.problem(from.name, `an ${msg.type} to ${to} with rid ${msg.rid} belongs to no streamed request of ${from.name} to ${to}: not sent`)
      return false
    }
    if (msg.type === 'HTTP_BODY') exchange.piece(msg)
    else if (msg.type === 'HTTP_BODY_ACK') exchange.acked(msg.seq)
    else exchange.finish(`${from.name} aborted it: ${msg.reason}`, 'never')
    return false
  }

  /** The runtime lost `msg` on its way from `from` to `to` (a fault). */
  lost(from: Endpoint, to: string, msg: Message): void {
    const m = msg as unknown as { type: string; rid: number; seq?: number; bodyFollows?: boolean; streamResponse?: boolean }
    if (m.type === 'HTTP_REQUEST' && (m.bodyFollows || m.streamResponse) && !this.busy(from, to, m.rid)) {
      return this.failed(from, to, msg as unknown as HttpRequestMessage, `the request was lost on its way to ${to} (a fault of the network)`)
    }
    const exchange = this.live.get(keyOf(from, to, m.rid))
    if (!exchange || (m.type !== 'HTTP_BODY' && m.type !== 'HTTP_BODY_ACK' && m.type !== 'HTTP_ABORT')) return
    if (m.type === 'HTTP_ABORT') return exchange.finish(`${from.name} aborted it`, 'never')
    exchange.finish(`the ${m.type === 'HTTP_BODY' ? 'piece' : 'acknowledgement of piece'} ${m.seq} was lost on its way to ${to} (a fault of the network)`, 'soon')
  }

  /** `msg`, handed to `to`, was dropped before its node took it (down, cut off): its exchange breaks. */
  undelivered(to: Endpoint, msg: Message): void {
    this.handed.get(msg)?.finish(`${to.name} did not take a ${msg.type} of it (down or cut off)`, 'soon')
  }

  /** Aborts every exchange (the run is over: nobody hears of it). */
  close(): void {
    for (const exchange of [...this.live.values()]) exchange.finish('the run stopped', 'never')
  }

  /** Hands `msg` to the node of `exchange`, from the address it talks to. */
  hand(exchange: Exchange, msg: Message): void {
    this.handed.set(msg, exchange)
    this.events.arrived(exchange.from, exchange.to, msg)
  }

  forget(exchange: Exchange): void {
    if (this.live.get(exchange.key) === exchange) this.live.delete(exchange.key)
    this.remember(exchange.key)
  }

  private remember(key: string): void {
    this.ended.add(key)
    if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.values().next().value as string)
  }
}

/** One streamed request and its response. */
class Exchange {
  private done = false
  private aborted = false
  private reason: string | null = null
  private readonly timer: NodeJS.Timeout
  // The upload (the request's body).
  private nextSeq = 0
  private sent = 0
  private uploadEnded: boolean
  private readonly length: number | null
  /** Pieces written while the socket was full: acknowledged at 'drain' (or when the request ends). */
  private readonly draining: number[] = []
  // The response.
  private res: IncomingMessage | null = null
  /** The response was read to its end (a break after that is no break of the exchange). */
  private netDone = false
  private pieces = 0
  private readonly unacked = new Set<number>()

  constructor(
    private readonly streams: HttpStreams,
    readonly key: string,
    readonly from: Endpoint,
    readonly to: string,
    private readonly msg: HttpRequestMessage,
    private readonly req: ClientRequest,
  ) {
    this.uploadEnded = msg.bodyFollows !== true
    const length = msg.bodyFollows ? contentLengthOf(msg.headers) : null
    this.length = length === null ? null : Number(length)
    this.timer = setTimeout(() => this.finish(`no progress with ${to} for ${streams.idleMs / 1000} s`, 'now'), streams.idleMs)
    req.on('error', (err: NodeJS.ErrnoException) => {
      this.reason ??= `the connection to ${to} failed: ${err.code ?? err.message}`
      if (err.code === 'ECONNREFUSED') streams.events.refused(from, to, msg as unknown as Message)
    })
    req.on('response', (res) => this.response(res))
    req.on('drain', () => this.ackDrained())
    // A response read in full is no break, though the node has not taken all of it yet.
    req.on('close', () => {
      if (!this.netDone && !this.res?.complete) this.finish(this.reason ?? `the connection to ${to} closed before the response ended`, 'now')
    })
    if (msg.bodyFollows) req.flushHeaders()
  }

  /** The node's next piece of the request's body. */
  piece(p: HttpBodyMessage): void {
    const what = `${this.msg.method} ${this.msg.path} to ${this.to} (rid ${this.msg.rid})`
    if (this.uploadEnded) return this.problem(`piece ${p.seq} of ${what} comes ${this.msg.bodyFollows ? 'after its last piece' : 'for a request without bodyFollows'}: not written`)
    if (p.seq < this.nextSeq) return this.problem(`piece ${p.seq} of ${what} came again: not written`)
    if (p.seq > this.nextSeq) {
      this.problem(`piece ${p.seq} of ${what} came before piece ${this.nextSeq}: not written, and the upload is aborted`)
      return this.finish(`piece ${p.seq} came before piece ${this.nextSeq}: the upload has a hole`, 'soon')
    }
    const total = this.sent + p.data.byteLength
    if (this.length !== null && (total > this.length || (p.last && total < this.length))) {
      this.problem(`the pieces of ${what} ${p.last ? 'end' : 'go on'} at ${total} bytes, but its content-length is ${this.length}: aborted`)
      return this.finish(`the body does not match its content-length ${this.length} (${p.last ? 'it ends' : 'it goes on'} at ${total} bytes)`, 'soon')
    }
    this.nextSeq++
    this.sent = total
    this.timer.refresh()
    try {
      if (p.last) {
        this.uploadEnded = true
        this.req.end(p.data, () => {
          this.ackDrained()
          this.ack(p.seq)
        })
      } else if (this.req.write(p.data) && this.draining.length === 0) this.ack(p.seq)
      else this.draining.push(p.seq)
    } catch (err) {
      this.finish(`piece ${p.seq} cannot be written: ${(err as Error).message}`, 'soon')
    }
  }

  /** The node took response piece `seq`. */
  acked(seq: number): void {
    if (!this.unacked.delete(seq)) return this.problem(`an HTTP_BODY_ACK for piece ${seq} of rid ${this.msg.rid} from ${this.to}, which waits for no such acknowledgement: ignored`)
    this.timer.refresh()
    this.pump()
  }

  /** Ends the exchange (once): with `reason`, it broke, and the node hears HTTP_ABORT (as `tell` says). */
  finish(reason: string | null, tell: Tell): void {
    if (this.done) return
    this.done = true
    clearTimeout(this.timer)
    this.streams.forget(this)
    if (reason !== null) {
      this.aborted = true
      const abort = { type: 'HTTP_ABORT', rid: this.msg.rid, reason } as Message
      if (tell === 'now') this.streams.hand(this, abort)
      else if (tell === 'soon') setImmediate(() => this.streams.hand(this, abort))
    }
    // A response that ends before the upload does ends the request too.
    if (!this.req.destroyed && (reason !== null || !this.uploadEnded)) this.req.destroy()
  }

  private response(res: IncomingMessage): void {
    this.res = res
    res.on('error', (err: NodeJS.ErrnoException) => {
      this.reason ??= `the response from ${this.to} broke off: ${err.code ?? err.message}`
    })
    const head = { type: 'HTTP_RESPONSE', rid: this.msg.rid, status: res.statusCode ?? 502, headers: headersOf(res.headers) }
    if (!this.msg.streamResponse) {
      readBody(res, (body, tooBig) => {
        this.netDone = true
        if (tooBig) return this.finish(`the response's body is over ${MAX_BODY >> 20} MiB; ask with streamResponse to have it in pieces`, 'now')
        this.streams.hand(this, { ...head, body: body.toString('utf8') } as HttpResponseMessage as unknown as Message)
        this.finish(null, 'never')
      })
      return
    }
    this.streams.hand(this, { ...head, body: '', bodyFollows: true } as HttpResponseMessage as unknown as Message)
    res.on('readable', () => this.pump())
    res.on('end', () => {
      this.netDone = true
      this.pump()
    })
    this.pump()
  }

  /** Hands the node what the response has ready, while the window has room; then the last piece. */
  private pump(): void {
    const res = this.res
    if (!res || this.done) return
    while (this.unacked.size < HTTP_BODY_WINDOW) {
      const chunks: Buffer[] = []
      let size = 0
      for (let chunk: Buffer | null; size < PIECE_BYTES && (chunk = res.read() as Buffer | null) !== null; size += chunk.length) chunks.push(chunk)
      if (size === 0) break
      this.handPiece(owned(chunks, size), false)
    }
    if (this.netDone && this.unacked.size < HTTP_BODY_WINDOW) {
      this.handPiece(new Uint8Array(0), true)
      this.finish(null, 'never')
    }
  }

  private handPiece(data: Uint8Array, last: boolean): void {
    const seq = this.pieces++
    this.unacked.add(seq)
    this.streams.peakInFlight = Math.max(this.streams.peakInFlight, this.unacked.size)
    this.timer.refresh()
    this.streams.hand(this, { type: 'HTTP_BODY', rid: this.msg.rid, seq, data, last } as HttpBodyMessage as unknown as Message)
  }

  private ack(seq: number): void {
    if (!this.aborted) this.streams.hand(this, { type: 'HTTP_BODY_ACK', rid: this.msg.rid, seq } as unknown as Message)
  }

  private ackDrained(): void {
    for (const seq of this.draining.splice(0)) this.ack(seq)
  }

  private problem(text: string): void {
    this.streams.events.problem(this.from.name, text)
  }
}

function keyOf(from: Endpoint, to: string, rid: number): string {
  return `${from.name}>${to}#${rid}`
}

/** The chunks as one Uint8Array that owns its whole buffer (a message copies the whole buffer of a view). */
function owned(chunks: Buffer[], size: number): Uint8Array {
  const only = chunks.length === 1 ? (chunks[0] as Buffer) : null
  if (only && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength) return new Uint8Array(only.buffer, 0, size)
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}
