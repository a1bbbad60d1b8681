// Messages as XML-RPC calls over HTTP (seed 000 §3–4). Every endpoint is an XML-RPC server at
// http://its-address/. A request message a node sends becomes a call (rpcMap.ts says which method,
// which parameters), made with the header `X-Distlab-From` naming the caller's own server so the
// callee knows who calls; the call's result (or fault) comes back to the caller as the reply
// message. A call that arrives is handed to the node as the request message; the node's reply to
// the caller answers it, oldest call first. A program outside the lab calls like any XML-RPC client.
import { request as httpRequest, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Message } from '../node/types.ts'
import type { Endpoint } from '../sim/Endpoint.ts'
import { isReply, methodOf, paramsOf, requestOf, type RpcMap } from './rpcMap.ts'
import { HttpServers } from './HttpServers.ts'
import { splitAddress, type Transport, type TransportEvents } from './Transport.ts'
import { decodeCall, decodeResponse, encodeCall, encodeFault, encodeResponse, type XmlRpcValue } from './xmlrpc.ts'

/** The biggest call or response body read. */
const MAX_BODY = 16 << 20
/** A call the node never answers gets a fault after this long, so no caller hangs. */
const ANSWER_WITHIN_MS = 30_000
const FROM_HEADER = 'x-distlab-from'

interface PendingCall {
  method: string
  request: Message
  response: ServerResponse
  timer: NodeJS.Timeout
}

export class XmlRpcTransport implements Transport {
  readonly kind = 'xmlrpc'
  private readonly servers = new HttpServers()
  /** `endpoint>caller` → calls waiting for the endpoint's answer, oldest first. */
  private readonly pending = new Map<string, PendingCall[]>()
  /** Calls each outside caller made: numbers the requests `fill` completes. */
  private readonly calls = new Map<string, number>()
  /** Calls the run's nodes are making: aborted at close, and after ANSWER_WITHIN_MS. */
  private readonly outgoing = new Set<ClientRequest>()

  constructor(
    private readonly events: TransportEvents,
    private readonly map: RpcMap,
  ) {}

  open(endpoint: Endpoint, host: string, port: number): Promise<string> {
    return this.servers.open(endpoint, host, port, (req, res) => this.serve(endpoint, req, res))
  }

  unsendable(msg: Message): string | null {
    const found = methodOf(this.map, msg.type)
    if (found) {
      try {
        encodeCall(found[0], paramsOf(found[1], msg))
        return null
      } catch (err) {
        return `${found[0]}() cannot be sent over XML-RPC: ${(err as Error).message}`
      }
    }
    if (isReply(this.map, msg.type)) return null
    return `real mode over XML-RPC carries the methods ${Object.keys(this.map.methods).join(', ')} and their answers; a '${msg.type}' message is none of them`
  }

  write(from: Endpoint, to: string, msg: Message): boolean {
    const waiting = this.pending.get(`${from.name}>${to}`)
    if (isReply(this.map, msg.type) && waiting?.length) return this.answer(waiting, msg)
    const found = methodOf(this.map, msg.type)
    if (!found) {
      this.events.problem(from.name, `a '${msg.type}' to ${to} answers no call waiting from ${to}: not sent`)
      return false
    }
    this.call(from, to, found[0], msg)
    return true
  }

  /** A call that arrived was dropped before its node took it: it fails as an unanswered call does (its connection drops). */
  undelivered(to: Endpoint, msg: Message): void {
    const prefix = `${to.name}>`
    for (const [key, waiting] of this.pending) {
      if (!key.startsWith(prefix)) continue
      const index = waiting.findIndex((c) => c.request === msg)
      if (index < 0) continue
      const [call] = waiting.splice(index, 1)
      if (call) {
        clearTimeout(call.timer)
        call.response.destroy()
      }
      return
    }
  }

  /** A lost answer: the oldest call waiting from that caller fails as a lost response does (its connection drops). */
  lost(from: Endpoint, to: string, msg: Message): void {
    const waiting = this.pending.get(`${from.name}>${to}`)
    if (!isReply(this.map, msg.type) || !waiting?.length) return
    const call = this.takeCall(waiting, msg)
    if (!call) return
    clearTimeout(call.timer)
    call.response.destroy()
  }

  async close(): Promise<void> {
    for (const req of this.outgoing) req.destroy()
    this.outgoing.clear()
    for (const calls of this.pending.values()) for (const call of calls) clearTimeout(call.timer)
    this.pending.clear()
    await this.servers.close()
  }

  // ---- calls made ----------------------------------------------------------------------------

  private call(from: Endpoint, to: string, method: string, msg: Message): void {
    const target = splitAddress(to)
    if (!target) return
    const spec = this.map.methods[method]
    if (!spec) return
    const body = encodeCall(method, paramsOf(spec, msg))
    const self = this.servers.addressOf(from)
    const req = httpRequest(
      { host: target.host, port: target.port, method: 'POST', path: '/RPC2', headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), ...(self ? { [FROM_HEADER]: self } : {}) } },
      (res) =>
        readBody(res, (text, tooBig) => {
          if (tooBig) return this.events.problem(from.name, `the answer to ${method}() from ${to} is over ${MAX_BODY >> 20} MiB: ignored`)
          let reply: Message
          try {
            const response = decodeResponse(text)
            reply = response.ok ? spec.reply(response.value, msg) : this.faultMessage(response.message, msg)
          } catch (err) {
            return this.events.problem(from.name, `the answer to ${method}() from ${to} is not XML-RPC (${(err as Error).message}): ignored`)
          }
          this.events.arrived(from, to, reply)
        }),
    )
    this.outgoing.add(req)
    req.on('close', () => this.outgoing.delete(req))
    // A callee that never answers: the call is abandoned, as a lost answer.
    req.setTimeout(ANSWER_WITHIN_MS, () => req.destroy())
    req.on('error', (err: NodeJS.ErrnoException) => {
      // Nobody listens: as a connect that fails. A connection dropped after the call went out is a
      // lost answer (the runtime lost it on purpose, or the callee went away): nothing comes back.
      if (err.code === 'ECONNREFUSED') this.events.refused(from, to, msg)
    })
    req.end(body)
  }

  /** A fault as the failure message, with the request's fields the map echoes. */
  private faultMessage(reason: string, request: Message): Message {
    const fault: Record<string, unknown> = { type: this.map.fault.type, [this.map.fault.field]: reason }
    for (const field of this.map.fault.echo ?? []) {
      const value = (request as unknown as Record<string, unknown>)[field]
      if (value !== undefined) fault[field] = value
    }
    return fault as unknown as Message
  }

  // ---- calls answered --------------------------------------------------------------------------

  private serve(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): void {
    const caller = headerOf(req) ?? `${req.socket.remoteAddress}:${req.socket.remotePort}`
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('XML-RPC: POST a methodCall\n')
      return
    }
    readBody(req, (text, tooBig) => {
      const fault = (code: number, message: string): void => void res.writeHead(200, { 'content-type': 'text/xml' }).end(encodeFault(code, message))
      if (tooBig) return fault(-32700, `a call over ${MAX_BODY >> 20} MiB`)
      let method: string
      let params: XmlRpcValue[]
      try {
        ;({ method, params } = decodeCall(text))
      } catch (err) {
        return fault(-32700, `not an XML-RPC methodCall: ${(err as Error).message}`)
      }
      const spec = this.map.methods[method]
      if (!spec) return fault(-32601, `no method '${method}'; methods: ${Object.keys(this.map.methods).join(', ')}`)
      const calls = (this.calls.get(caller) ?? 0) + 1
      this.calls.set(caller, calls)
      let msg: Message
      try {
        msg = requestOf(method, spec, params, caller, calls)
      } catch (err) {
        return fault(-32602, (err as Error).message)
      }
      const key = `${endpoint.name}>${caller}`
      const queue = this.pending.get(key) ?? this.pending.set(key, []).get(key)
      const pending: PendingCall = {
        method,
        request: msg,
        response: res,
        timer: setTimeout(() => {
          const index = queue?.indexOf(pending) ?? -1
          if (index >= 0) queue?.splice(index, 1)
          fault(-32000, `${endpoint.name} did not answer ${method}() within ${ANSWER_WITHIN_MS / 1000} s`)
        }, ANSWER_WITHIN_MS),
      }
      queue?.push(pending)
      res.on('close', () => clearTimeout(pending.timer))
      this.events.arrived(endpoint, caller, msg)
    })
  }

  /**
   * The call a reply answers: the one it names (RpcMap.correlate), or the oldest waiting from that
   * caller; null when it names one no longer waiting (a duplicate, a late answer): nothing is answered.
   */
  private takeCall(waiting: PendingCall[], reply: Message): PendingCall | null {
    const key = this.map.correlate
    const named = key === undefined ? undefined : (reply as unknown as Record<string, unknown>)[key]
    const index = named === undefined ? 0 : waiting.findIndex((c) => (c.request as unknown as Record<string, unknown>)[key as string] === named)
    return index < 0 ? null : (waiting.splice(index, 1)[0] ?? null)
  }

  private answer(waiting: PendingCall[], reply: Message): boolean {
    const call = this.takeCall(waiting, reply)
    if (!call) return false
    clearTimeout(call.timer)
    const spec = this.map.methods[call.method]
    let body: string
    try {
      if (reply.type === this.map.fault.type) body = encodeFault(1, String((reply as unknown as Record<string, unknown>)[this.map.fault.field] ?? 'error'))
      else if (spec && spec.replies.includes(reply.type)) body = encodeResponse(spec.result(reply))
      else body = encodeFault(-32603, `${call.method}() was answered with '${reply.type}', which is not one of its answers (${spec?.replies.join(', ')})`)
    } catch (err) {
      body = encodeFault(-32603, `the answer to ${call.method}() cannot be written as XML-RPC: ${(err as Error).message}`)
    }
    call.response.writeHead(200, { 'content-type': 'text/xml' }).end(body)
    return true
  }
}

function headerOf(req: IncomingMessage): string | null {
  const value = req.headers[FROM_HEADER]
  return typeof value === 'string' && splitAddress(value) ? value : null
}

/** Reads a body up to MAX_BODY; `tooBig` when it is longer (the rest is discarded). */
function readBody(stream: IncomingMessage, done: (text: string, tooBig: boolean) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size <= MAX_BODY) chunks.push(chunk)
  })
  stream.on('end', () => done(Buffer.concat(chunks).toString('utf8'), size > MAX_BODY))
  stream.on('error', () => {})
}
