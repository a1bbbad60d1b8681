// What the server's actions are made of (server.ts): its context, the events it takes, and the
// steps its actions share: answering (after the sync, when a write is pending), calling another
// node, admitting a member, keeping a write, and a chained read from start to finish.
import { enqueueActions } from 'xstate'
import { httpRequest, jsonResponse, print, send, type Delivered, type HttpRequestMessage, type HttpResponseMessage, type NodeEffect, type StdinEvent } from 'distlab/node'
import { LIMITS, TIMING, type LookupAnswer, type ReplicateBody, type ServerConfig, type Stamp } from 'distlab/protocol/http-store'
import type { chainMachine, ChainDone, ReadOrigin } from './chain.ts'
import type { Data } from './data.ts'
import { nextHop, type Members } from './members.ts'
import type { Route } from './routes.ts'
import { newer, witness } from './stamps.ts'
import type { StoreLog } from './storeLog.ts'

/** A request this node made, by its number: what its answer means. */
export type Call =
  | { kind: 'ping' | 'announce' | 'join'; to: string; at: number }
  | { kind: 'replicate'; to: string; at: number; slot: string; stamp: Stamp }
  | { kind: 'chain'; child: string; at: number }

export interface Context {
  name: string
  address: string
  config: ServerConfig
  dataDir: string
  log: StoreLog | null
  data: Data
  clock: Stamp
  members: Members
  /** The token this node calls the others with. */
  token: string
  nextRid: number
  calls: Record<number, Call>
  /** member → `db/key` → the latest write of that key it has not acknowledged. */
  outbox: Record<string, Record<string, ReplicateBody>>
  /** Effects that wait for the next sync (answers and propagations of unsynced writes). */
  afterSync: NodeEffect[]
}

export type RouteEvent = { [K in Route['kind']]: { type: `req.${K}`; from: string; rid: number; route: Extract<Route, { kind: K }> } }[Route['kind']]
export type Event = Delivered<HttpRequestMessage> | Delivered<HttpResponseMessage> | StdinEvent | ChainDone | RouteEvent | { type: 'log.appended' }
export type ChainActor = { src: 'chain'; logic: typeof chainMachine; id: string | undefined }
/** The `enqueue` of this machine's actions, for the helpers below. */
export type Enqueue = Parameters<Parameters<typeof enqueueActions<Context, Event, undefined, Event, ChainActor, never, never, never, NodeEffect>>[0]>[0]['enqueue']

export const CALLS_FORGOTTEN_AFTER_MS = 10_000
export const jsonHeaders = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' })
export const line = (event: Event): string => (event.type === 'stdin' ? event.line.trim() : '')
export const slotOf = (db: string, key: string): string => `${db}/${key}`

/** Says `effect` now, or after the next sync if this step appended to the log. */
export function say(context: Context, enqueue: Enqueue, effect: NodeEffect): void {
  if (context.log?.unsynced) enqueue.assign({ afterSync: ({ context }) => [...context.afterSync, effect] })
  else enqueue.emit(effect)
}

export function answer(context: Context, enqueue: Enqueue, to: string, rid: number, status: number, body: unknown, headers: Record<string, string> = {}): void {
  say(context, enqueue, send(to, jsonResponse({ rid }, status, body, headers)))
}

/** Makes a request to another node, remembering what its answer is for. */
export function call(enqueue: Enqueue, rid: number, to: string, method: string, path: string, token: string, body: unknown, what: Call): NodeEffect {
  enqueue.assign({ nextRid: ({ context }) => Math.max(context.nextRid, rid + 1), calls: ({ context }) => ({ ...context.calls, [rid]: what }) })
  return send(to, httpRequest(rid, method, path, body === undefined ? { headers: jsonHeaders(token) } : { headers: jsonHeaders(token), body: JSON.stringify(body) }))
}

/** Adds (or refreshes) a member, logging it when it is new; says what changed. */
export function admit(context: Context, enqueue: Enqueue, address: string): void {
  if (address === context.address) return
  const known = context.members[address]
  if (!known) context.log?.append({ op: 'member', address })
  enqueue.assign({ members: ({ context }) => ({ ...context.members, [address]: { seen: Date.now(), up: true } }) })
  if (!known) {
    enqueue.raise({ type: 'log.appended' })
    enqueue.emit(print(`member ${address} joined`))
  } else if (!known.up) enqueue.emit(print(`member ${address} is back`))
}

/** Stores a write this node holds older (or not at all); says whether it was kept. */
export function keep(context: Context, enqueue: Enqueue, db: string, key: string, value: unknown, stamp: Stamp): boolean {
  enqueue.assign({ clock: ({ context }) => witness(context.clock, stamp) })
  if (!context.data.apply(db, key, { value, stamp })) return false
  context.log?.append({ op: 'set', db, key, value, stamp })
  enqueue.raise({ type: 'log.appended' })
  return true
}

/**
 * Propagates a write this node took to every member, once (the seed's is_endpoint: receivers do
 * not pass it on), after the sync; it stays in each member's outbox until that member acknowledges.
 */
export function propagate(context: Context, enqueue: Enqueue, body: ReplicateBody): void {
  const slot = slotOf(body.db, body.key)
  let rid = context.nextRid
  const outbox = { ...context.outbox }
  for (const [to, member] of Object.entries(context.members)) {
    outbox[to] = { ...outbox[to], [slot]: body }
    if (member.up) say(context, enqueue, call(enqueue, rid++, to, 'POST', '/internal/replicate', context.token, body, { kind: 'replicate', to, at: Date.now(), slot, stamp: body.stamp }))
  }
  enqueue.assign({ outbox })
}

/** Answers a read from what this node holds, or starts a chain to the next node for what it lacks. */
export function read(context: Context, enqueue: Enqueue, origin: Omit<ReadOrigin, 'found'>, path: string[], budget: number): void {
  const found: LookupAnswer['found'] = {}
  for (const key of origin.keys) {
    const held = context.data.get(origin.db, key)
    if (held) found[key] = held
  }
  const missing = origin.keys.filter((k) => !(k in found))
  const next = nextHop(context.address, context.members, path, Date.now())
  const hopBudget = budget - TIMING.hopMarginMs
  if (missing.length === 0 || next === undefined || path.length >= LIMITS.hops || hopBudget < TIMING.hopMarginMs) return finish(context, enqueue, { ...origin, found }, {})
  const rid = context.nextRid
  const child = `chain-${rid}`
  enqueue.assign({ nextRid: rid + 1, calls: ({ context }) => ({ ...context.calls, [rid]: { kind: 'chain', child, at: Date.now() } }) })
  enqueue.spawnChild('chain', {
    id: child,
    input: { rid, to: next, token: context.token, lookup: { db: origin.db, keys: missing, path: [...path, context.address], budget: hopBudget }, waitMs: budget - TIMING.hopMarginMs / 2, origin: { ...origin, found } },
  })
}

/** Caches what a chain brought back, then answers whoever asked for the read. */
export function finish(context: Context, enqueue: Enqueue, origin: ReadOrigin, brought: LookupAnswer['found']): void {
  const all = { ...origin.found }
  for (const [key, held] of Object.entries(brought)) {
    if (!origin.keys.includes(key)) continue
    keep(context, enqueue, origin.db, key, held.value, held.stamp)
    const mine = all[key]
    if (!mine || newer(held.stamp, mine.stamp)) all[key] = held
  }
  const missing = origin.keys.filter((k) => !(k in all))
  // An answer waits for the sync of what it cached (say() sees the log unsynced if anything was kept).
  if (origin.kind === 'hop') return answer(context, enqueue, origin.replyTo, origin.rid, 200, { found: all, missing })
  const values = Object.fromEntries(Object.entries(all).map(([k, held]) => [k, held.value]))
  answer(context, enqueue, origin.replyTo, origin.rid, missing.length === origin.keys.length ? 404 : 200, { values, missing })
}

export function omit<T>(record: Record<string | number, T>, key: string | number): Record<string, T> {
  const copy = { ...record }
  delete copy[key]
  return copy
}

export function membersIn(body: string): string[] | null {
  try {
    const members = (JSON.parse(body) as { members?: unknown }).members
    return Array.isArray(members) && members.every((m) => typeof m === 'string') ? members : null
  } catch {
    return null
  }
}

