// How an assignment's messages map onto XML-RPC (seed 000 §3–4: "all interaction between servers
// is XML-RPC"): each request message type is a method with positional parameters, and each reply
// message the result of that call, or a fault. An assignment writes its map next to its protocol
// (assignments/viewservice/wire.ts); docs/real-mode.md and each spec show the mapping.
import type { Message } from '../node/types.ts'
import type { XmlRpcValue } from './xmlrpc.ts'

export interface RpcMethod {
  /** The request message a call becomes. */
  request: string
  /**
   * Its fields, in the order of the call's parameters. A call from outside may leave out the
   * trailing ones that `fill` supplies (who is calling, a sequence number).
   */
  params: string[]
  /** Fields a call from outside may leave out, from who calls and how many calls they made. */
  fill?: (caller: string, calls: number) => Record<string, XmlRpcValue>
  /** Reply message types that answer this method; an ERROR (RpcMap.fault) answers any. */
  replies: string[]
  /** A reply as the call's result. */
  result(reply: Message): XmlRpcValue
  /** A result back into the reply message, knowing the request it answers. */
  reply(result: XmlRpcValue, request: Message): Message
}

/** How an assignment's messages travel in real mode: its transport, and for XML-RPC its map. */
export interface Wire {
  transport: 'udp' | 'tcp' | 'xmlrpc' | 'http'
  rpc?: RpcMap
}

/** The cluster options that put a run on this wire. */
export function wireOptions(wire: Wire | undefined): { mode: 'real'; transport: Wire['transport']; rpc?: RpcMap } {
  return { mode: 'real', transport: wire?.transport ?? 'tcp', ...(wire?.rpc ? { rpc: wire.rpc } : {}) }
}

export interface RpcMap {
  /** method name → how it maps. */
  methods: Record<string, RpcMethod>
  /**
   * The message type of a failure (`ERROR`), sent as a fault with its `reason`, and back; `echo`:
   * fields of the request the failure message carries back (a request id), as replies do.
   */
  fault: { type: string; field: string; echo?: string[] }
  /**
   * A field a request and its answer share (a request id): the answer then goes to the call whose
   * request has the same value, not simply to the oldest call waiting (a node may leave a call
   * unanswered). Without it, answers go oldest call first.
   */
  correlate?: string
}

/** Maps merged (a pbservice server also calls the viewservice coordinator). */
export function mergeRpcMaps(...maps: RpcMap[]): RpcMap {
  const first = maps[0] as RpcMap
  return { methods: Object.assign({}, ...maps.map((m) => m.methods)), fault: first.fault, ...(first.correlate ? { correlate: first.correlate } : {}) }
}


/** The method whose request is this message type, if any. */
export function methodOf(map: RpcMap, type: string): [string, RpcMethod] | null {
  for (const entry of Object.entries(map.methods)) if (entry[1].request === type) return entry
  return null
}

/** Whether this message type answers a call (a reply of some method, or the fault type). */
export function isReply(map: RpcMap, type: string): boolean {
  return type === map.fault.type || Object.values(map.methods).some((m) => m.replies.includes(type))
}

/** A message's fields as the call's parameters, in order. */
export function paramsOf(method: RpcMethod, msg: Message): XmlRpcValue[] {
  return method.params.map((field) => ((msg as unknown as Record<string, XmlRpcValue>)[field] ?? null) as XmlRpcValue)
}

/** A call's parameters as the request message; throws a sentence when they do not fit. */
export function requestOf(name: string, method: RpcMethod, params: XmlRpcValue[], caller: string, calls: number): Message {
  const filled = method.fill?.(caller, calls) ?? {}
  const required = method.params.filter((p) => !(p in filled)).length
  if (params.length < required || params.length > method.params.length) {
    throw new Error(`${name}(${method.params.join(', ')}) takes ${required === method.params.length ? required : `${required} to ${method.params.length}`} parameters, got ${params.length}`)
  }
  const msg: Record<string, unknown> = { type: method.request, ...filled }
  method.params.forEach((field, i) => {
    if (i < params.length) msg[field] = params[i]
  })
  return msg as unknown as Message
}

/** A reply message as a struct of its fields (for server-to-server methods). */
export function asStruct(reply: Message): XmlRpcValue {
  return { ...(reply as unknown as Record<string, XmlRpcValue>) }
}

/** A struct result back into a message (what asStruct made). */
export function fromStruct(result: XmlRpcValue): Message {
  if (typeof result !== 'object' || result === null || Array.isArray(result) || result instanceof Uint8Array || typeof result.type !== 'string') {
    return { type: 'ERROR', reason: `an answer that is not a message: ${JSON.stringify(result)}` } as Message
  }
  return result as unknown as Message
}
