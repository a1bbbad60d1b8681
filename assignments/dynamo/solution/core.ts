// The reference node's logic as pure functions: each takes the node's state and a message and
// returns the new state, the messages to send and the timers to start or cancel. node.ts wires
// them into an xstate machine; nothing here touches the runtime.
import { REPLICAS, type ClientReply, type NodeRef } from 'distlab/protocol/dynamo'
import type { Coordinate, Coordinated, InternalMessage, JoinMe, Membership, ReplicaGet, ReplicaGetResp, ReplicaPut, ReplicaPutAck } from './internal.ts'
import { Ring } from './ring.ts'
import type { Policy } from './policy.ts'
import { members, type GetOp, type NodeState, type Op, type PutOp } from './state.ts'
import { covers, decodeClock, encodeClock, increment, mergeClocks, type Clock, type Version } from './versions.ts'

/** Rounds of waiting for replicas before a coordinator turns to stand-ins, or gives up. */
export const ROUND_MS = 50
const MAX_ROUNDS = 6

export type Outgoing = ClientReply | InternalMessage

export interface Step {
  policy: Policy
  state: NodeState
  out: Array<{ to: string; msg: Outgoing }>
  /** Console lines: membership changes seen by this node and handoffs it completed. */
  lines: string[]
  /** Coordinations that want a timeout (ROUND_MS from now), and ones whose timeout is no longer needed. */
  timers: number[]
  cancel: number[]
}

/** A fresh step on a copy of the state, so handlers can change it freely. */
function begin(policy: Policy, state: NodeState): Step {
  return { policy, state: structuredClone(state), out: [], lines: [], timers: [], cancel: [] }
}

const ring = (step: Step): Ring => new Ring(step.policy.ringMembers(Object.keys(step.state.joined), step.state.left))
const addressOf = (s: NodeState, name: string): string => s.joined[name] ?? name
const nameAt = (s: NodeState, address: string): string => Object.entries(s.joined).find(([, a]) => a === address)?.[0] ?? address
const send = (step: Step, name: string, msg: Outgoing): void => {
  step.out.push({ to: addressOf(step.state, name), msg })
}
const answer = (step: Step, address: string, msg: Outgoing): void => {
  step.out.push({ to: address, msg })
}

/** Versions a node holds for a key: as replica and as stand-in, reconciled. */
function held(step: Step, key: string): Version[] {
  const s = step.state
  const hinted = Object.values(s.hints).flatMap((keys) => keys[key] ?? [])
  return step.policy.keep(key, [...(s.data[key] ?? []), ...hinted])
}

function store(step: Step, key: string, versions: Version[], hintFor: string | null): void {
  const s = step.state
  if (hintFor && hintFor !== s.name) {
    const keys = (s.hints[hintFor] ??= {})
    keys[key] = step.policy.keep(key, [...(keys[key] ?? []), ...versions])
  } else {
    s.data[key] = step.policy.keep(key, [...(s.data[key] ?? []), ...versions])
  }
}

function finish(step: Step, req: number): void {
  delete step.state.ops[req]
  step.cancel.push(req)
}

function open(step: Step, op: Op): number {
  const req = step.state.nextReq++
  step.state.ops[req] = op
  step.timers.push(req)
  return req
}

// ---- client requests --------------------------------------------------------------------------

function refuse(step: Step, to: string, reason: string): Step {
  answer(step, to, { type: 'ERROR', reason })
  return step
}

function checkQuorum(quorum: unknown): quorum is number {
  return Number.isInteger(quorum) && (quorum as number) >= 1 && (quorum as number) <= REPLICAS
}

/** A message's fields, before they are checked. */
type Fields = Record<string, unknown>

export function clientGet(policy: Policy, state: NodeState, from: string, msg: Fields): Step {
  const step = begin(policy, state)
  const s = step.state
  if (typeof msg.key !== 'string' || !checkQuorum(msg.quorum)) return refuse(step, from, `GET needs key (a string) and quorum (1 to ${REPLICAS})`)
  if (members(s).length === 0 || s.leaving) return refuse(step, from, 'this node is not in a cluster')
  const preference = ring(step).preference(msg.key)
  const op: GetOp = { kind: 'get', key: msg.key, quorum: msg.quorum, client: from, replicas: preference.slice(0, REPLICAS), candidates: step.policy.standIns(preference), asked: [], responses: {}, answered: false, rounds: 0 }
  const req = open(step, op)
  for (const replica of op.replicas) ask(step, req, op, replica)
  settleGet(step, req)
  return step
}

function ask(step: Step, req: number, op: GetOp, node: string): void {
  op.asked.push(node)
  if (node === step.state.name) op.responses[node] = held(step, op.key)
  else send(step, node, { type: 'R_GET', key: op.key, req })
}

export function clientPut(policy: Policy, state: NodeState, from: string, msg: Fields): Step {
  const step = begin(policy, state)
  const s = step.state
  const metadata = msg.metadata === undefined ? [] : Array.isArray(msg.metadata) ? msg.metadata : [msg.metadata]
  const clocks = metadata.map(decodeClock)
  if (typeof msg.key !== 'string' || typeof msg.value !== 'string' || !checkQuorum(msg.quorum) || clocks.some((c) => c === null)) {
    return refuse(step, from, `PUT needs key and value (strings), quorum (1 to ${REPLICAS}) and metadata as returned by GET (a string or an array of them)`)
  }
  if (members(s).length === 0 || s.leaving) return refuse(step, from, 'this node is not in a cluster')
  const replicas = ring(step).replicas(msg.key)
  if (replicas.includes(s.name)) return coordinatePut(step, { address: from, forwardReq: null }, msg.key, msg.value, msg.quorum, clocks as Clock[])
  // Writes are coordinated by a replica: hand it over, one replica after another.
  const req = open(step, { kind: 'forward', key: msg.key, value: msg.value, quorum: msg.quorum, metadata: metadata as string[], client: from, replicas, tried: [replicas[0] as string] })
  send(step, replicas[0] as string, { type: 'COORDINATE', key: msg.key, value: msg.value, quorum: msg.quorum, metadata: metadata as string[], req })
  return step
}

function coordinatePut(step: Step, answerTo: PutOp['answerTo'], key: string, value: string, quorum: number, clocks: Clock[]): Step {
  const s = step.state
  const preference = ring(step).preference(key)
  const version: Version = { value, clock: increment(mergeClocks(clocks), s.name) }
  const op: PutOp = { kind: 'put', key, quorum, answerTo, version, replicas: preference.slice(0, REPLICAS), candidates: step.policy.standIns(preference), placed: {}, acked: [], answered: false, rounds: 0 }
  const req = open(step, op)
  for (const replica of op.replicas) place(step, req, op, replica, null)
  settlePut(step, req)
  return step
}

/** Sends a copy of the new version to `node`, standing in for `hintFor` (null: as a replica). */
function place(step: Step, req: number, op: PutOp, node: string, hintFor: string | null): void {
  op.placed[node] = hintFor
  if (node === step.state.name) {
    store(step, op.key, [op.version], hintFor)
    op.acked.push(node)
  } else {
    send(step, node, { type: 'R_PUT', key: op.key, versions: [op.version], req, ...(hintFor ? { hintFor } : {}) })
  }
}

export function clientLookup(policy: Policy, state: NodeState, from: string, msg: Fields): Step {
  const step = begin(policy, state)
  if (typeof msg.key !== 'string') return refuse(step, from, 'LOOKUP needs key (a string)')
  const nodes: NodeRef[] = ring(step).replicas(msg.key).map((name) => [name, addressOf(step.state, name)])
  answer(step, from, { type: 'LOOKUP_RESP', key: msg.key, nodes })
  return step
}

export function clientMembers(policy: Policy, state: NodeState, from: string): Step {
  const step = begin(policy, state)
  answer(step, from, { type: 'MEMBERS', members: members(step.state) })
  return step
}

export function clientCount(policy: Policy, state: NodeState, from: string): Step {
  const step = begin(policy, state)
  const count = Object.values(step.state.data).reduce((sum, versions) => sum + versions.length, 0)
  answer(step, from, { type: 'COUNT_RECORDS_RESP', count })
  return step
}

// ---- membership -------------------------------------------------------------------------------

export function clientJoin(policy: Policy, state: NodeState, msg: Fields): Step {
  const step = begin(policy, state)
  const s = step.state
  if (typeof msg.seed !== 'string') return step
  s.joined[s.name] = s.address
  s.left = s.left.filter((n) => n !== s.name)
  s.leaving = false
  if (msg.seed !== s.address) step.out.push({ to: msg.seed, msg: { type: 'JOIN_ME', name: s.name, address: s.address } })
  else broadcast(step) // nodes may have joined through this one before it was told to start the cluster
  return step
}

export function joinMe(policy: Policy, state: NodeState, msg: JoinMe): Step {
  const step = begin(policy, state)
  const s = step.state
  // Whoever is joined through is a member, whether or not it was told to start the cluster yet.
  s.joined[s.name] = s.address
  s.joined[msg.name] = msg.address
  s.left = s.left.filter((n) => n !== msg.name)
  step.lines.push(`members: ${members(s).join(', ')}`)
  rebalance(step)
  broadcast(step)
  return step
}

export function membership(policy: Policy, state: NodeState, msg: Membership): Step {
  const step = begin(policy, state)
  const s = step.state
  const before = JSON.stringify([members(s), s.joined])
  for (const [name, address] of Object.entries(msg.joined)) s.joined[name] = address
  for (const name of msg.left) if (!s.left.includes(name) && name !== s.name) s.left.push(name)
  if (JSON.stringify([members(s), s.joined]) === before) return step
  step.lines.push(`members: ${members(s).join(', ')}`)
  rebalance(step)
  broadcast(step)
  return step
}

export function clientLeave(policy: Policy, state: NodeState): Step {
  const step = begin(policy, state)
  const s = step.state
  if (members(s).length === 0 || s.leaving) return step
  s.leaving = true
  s.left.push(s.name)
  step.lines.push('left the cluster; handing its data over')
  broadcast(step)
  rebalance(step)
  return step
}

/** Tells every member (and, when leaving, them all the same) who is in the cluster now. */
function broadcast(step: Step): void {
  const s = step.state
  const msg: Membership = { type: 'MEMBERSHIP', joined: { ...s.joined }, left: [...s.left] }
  for (const name of Object.keys(s.joined)) if (name !== s.name) send(step, name, msg)
}

/**
 * After the ring changed: data of keys this node no longer replicates becomes hints for the
 * key's replicas, and hints for nodes that left go to the key's replicas; handoff delivers them.
 */
function rebalance(step: Step): void {
  const s = step.state
  const r = ring(step)
  for (const [key, versions] of Object.entries(s.data)) {
    const replicas = r.replicas(key)
    if (replicas.includes(s.name) && !s.leaving) continue
    for (const replica of replicas) if (replica !== s.name) store(step, key, versions, replica)
    delete s.data[key]
  }
  // A hint goes to a key's replica. When the ring changed under it (its owner left, or joins
  // made another node a replica instead), it goes to the key's replicas now.
  for (const owner of Object.keys(s.hints)) {
    const keys = s.hints[owner] ?? {}
    for (const [key, versions] of Object.entries(keys)) {
      const replicas = r.replicas(key)
      if (!s.left.includes(owner) && replicas.includes(owner)) continue
      delete keys[key]
      for (const replica of replicas) store(step, key, versions, replica)
    }
    if (Object.keys(keys).length === 0) delete s.hints[owner]
  }
}

/**
 * Versions sent to this node as a replica: kept if it is one of the key's replicas in its ring,
 * else held as hints for those that are (a handoff sent under an older ring, say).
 */
function receive(step: Step, key: string, versions: Version[]): void {
  const replicas = ring(step).replicas(key)
  if (replicas.length === 0 || (replicas.includes(step.state.name) && !step.state.leaving)) return store(step, key, versions, null)
  for (const replica of replicas) store(step, key, versions, replica)
}

// ---- between nodes ----------------------------------------------------------------------------

export function replicaGet(policy: Policy, state: NodeState, from: string, msg: ReplicaGet): Step {
  const step = begin(policy, state)
  answer(step, from, { type: 'R_GET_RESP', key: msg.key, req: msg.req, versions: held(step, msg.key) })
  return step
}

export function replicaGetResp(policy: Policy, state: NodeState, from: string, msg: ReplicaGetResp): Step {
  const step = begin(policy, state)
  const op = step.state.ops[msg.req]
  if (op?.kind !== 'get') return step
  op.responses[nameAt(step.state, from)] = msg.versions
  settleGet(step, msg.req)
  return step
}

export function replicaPut(policy: Policy, state: NodeState, from: string, msg: ReplicaPut): Step {
  const step = begin(policy, state)
  if (msg.hintFor) store(step, msg.key, msg.versions, msg.hintFor)
  else receive(step, msg.key, msg.versions)
  if (msg.req > 0) answer(step, from, { type: 'R_PUT_ACK', req: msg.req })
  return step
}

export function replicaPutAck(policy: Policy, state: NodeState, from: string, msg: ReplicaPutAck): Step {
  const step = begin(policy, state)
  const s = step.state
  const handoff = s.handoffs[msg.req]
  if (handoff) {
    // Delivered: forget the hint, unless it gained versions meanwhile.
    delete s.handoffs[msg.req]
    step.lines.push(`handed ${handoff.key} over to ${handoff.owner}`)
    const keys = s.hints[handoff.owner]
    if (keys?.[handoff.key] && covers(handoff.versions, keys[handoff.key])) delete keys[handoff.key]
    if (keys && Object.keys(keys).length === 0) delete s.hints[handoff.owner]
    return step
  }
  const op = s.ops[msg.req]
  if (op?.kind !== 'put') return step
  const node = nameAt(s, from)
  if (!op.acked.includes(node)) op.acked.push(node)
  settlePut(step, msg.req)
  return step
}

export function coordinate(policy: Policy, state: NodeState, from: string, msg: Coordinate): Step {
  const step = begin(policy, state)
  const clocks = msg.metadata.map(decodeClock).filter((c): c is Clock => c !== null)
  return coordinatePut(step, { address: from, forwardReq: msg.req }, msg.key, msg.value, msg.quorum, clocks)
}

export function coordinated(policy: Policy, state: NodeState, msg: Coordinated): Step {
  const step = begin(policy, state)
  const op = step.state.ops[msg.req]
  if (op?.kind !== 'forward') return step
  if (msg.metadata !== undefined) answer(step, op.client, { type: 'PUT_RESP', key: op.key, metadata: msg.metadata })
  else answer(step, op.client, { type: 'ERROR', reason: msg.error ?? 'the write failed' })
  finish(step, msg.req)
  return step
}

// ---- progress of coordinations ----------------------------------------------------------------

function settleGet(step: Step, req: number): void {
  const op = step.state.ops[req] as GetOp
  const responded = Object.keys(op.responses)
  if (!op.answered && responded.length >= op.quorum) {
    op.answered = true
    const merged = step.policy.answer(op.key, Object.values(op.responses).flat())
    answer(step, op.client, { type: 'GET_RESP', key: op.key, values: merged.map((v) => v.value), metadata: merged.map((v) => encodeClock(v.clock)) })
  }
  if (op.answered && step.policy.readRepair) readRepair(step, op)
  if (op.answered && op.asked.every((n) => n in op.responses)) finish(step, req)
}

/** Brings every replica that answered up to date with everything the read found. */
function readRepair(step: Step, op: GetOp): void {
  const merged = step.policy.keep(op.key, Object.values(op.responses).flat())
  if (merged.length === 0) return
  for (const [node, versions] of Object.entries(op.responses)) {
    if (!op.replicas.includes(node) || covers(versions, merged)) continue
    op.responses[node] = merged
    if (node === step.state.name) store(step, op.key, merged, null)
    else send(step, node, { type: 'R_PUT', key: op.key, versions: merged, req: 0 })
  }
}

function settlePut(step: Step, req: number): void {
  const op = step.state.ops[req] as PutOp
  if (!op.answered && op.acked.length >= op.quorum) {
    op.answered = true
    const metadata = encodeClock(op.version.clock)
    if (op.answerTo.forwardReq === null) answer(step, op.answerTo.address, { type: 'PUT_RESP', key: op.key, metadata })
    else answer(step, op.answerTo.address, { type: 'COORDINATED', req: op.answerTo.forwardReq, metadata })
  }
  // Done once every replica has a copy, its own or a stand-in's.
  if (op.replicas.every((r) => copied(op, r))) finish(step, req)
}

/** Whether replica `r` or a node standing in for it acknowledged its copy. */
const copied = (op: PutOp, r: string): boolean => op.acked.some((node) => node === r || op.placed[node] === r)

export function timeout(policy: Policy, state: NodeState, req: number): Step {
  const step = begin(policy, state)
  const op = step.state.ops[req]
  if (!op) return step
  if (op.kind === 'forward') return forwardTimeout(step, req, op)
  op.rounds++
  if (op.kind === 'get') {
    // Ask as many stand-ins as answers are missing.
    const missing = op.quorum - Object.keys(op.responses).length
    for (const node of op.candidates.filter((n) => !op.asked.includes(n)).slice(0, Math.max(0, missing))) ask(step, req, op, node)
    settleGet(step, req)
  } else {
    // Every replica without a copy yet gets a (further) stand-in.
    for (const replica of op.replicas.filter((r) => !copied(op, r))) {
      const standIn = op.candidates.find((n) => !(n in op.placed))
      if (standIn !== undefined) place(step, req, op, standIn, replica)
    }
    settlePut(step, req)
  }
  if (!(req in step.state.ops)) return step
  if (op.rounds >= MAX_ROUNDS) {
    if (!op.answered) fail(step, op)
    finish(step, req)
  } else step.timers.push(req)
  return step
}

function forwardTimeout(step: Step, req: number, op: Extract<Op, { kind: 'forward' }>): Step {
  const next = op.replicas.find((r) => !op.tried.includes(r))
  if (next !== undefined) {
    op.tried.push(next)
    send(step, next, { type: 'COORDINATE', key: op.key, value: op.value, quorum: op.quorum, metadata: op.metadata, req })
    step.timers.push(req)
    return step
  }
  // No replica could be reached: coordinate here.
  finish(step, req)
  const clocks = op.metadata.map(decodeClock).filter((c): c is Clock => c !== null)
  return coordinatePut(step, { address: op.client, forwardReq: null }, op.key, op.value, op.quorum, clocks)
}

function fail(step: Step, op: GetOp | PutOp): void {
  const reason = `quorum ${op.quorum} not reached for ${op.key}`
  if (op.kind === 'get') answer(step, op.client, { type: 'ERROR', reason })
  else if (op.answerTo.forwardReq === null) answer(step, op.answerTo.address, { type: 'ERROR', reason })
  else answer(step, op.answerTo.address, { type: 'COORDINATED', req: op.answerTo.forwardReq, error: reason })
}

// ---- hinted handoff ---------------------------------------------------------------------------

/** Offers every hinted key to its owner; acknowledged ones are dropped (replicaPutAck). */
export function handoff(policy: Policy, state: NodeState): Step {
  const step = begin(policy, state)
  const s = step.state
  s.handoffs = {}
  if (!policy.handoff) return step
  for (const [owner, keys] of Object.entries(s.hints)) {
    for (const [key, versions] of Object.entries(keys)) {
      const req = s.nextReq++
      s.handoffs[req] = { owner, key, versions }
      send(step, owner, { type: 'R_PUT', key, versions, req })
    }
  }
  return step
}
