// The dynamo node (reference). Two regions run side by side:
//
// - membership: alone ─JOIN─▶ member ─LEAVE─▶ leaving (for good)
//               every change is printed, flooded to every member (MEMBERSHIP), and rebalances the
//               store: data this node no longer replicates becomes hints for the key's replicas
// - handoff:    quiet ⇄ delivering (every HANDOFF_MS while it holds hints, it offers each to its
//               owner; an acknowledged one is forgotten)
//
// Each client GET and PUT is a machine of its own, spawned per request: `read` (read.ts: a quorum
// of answers, stand-ins, read repair), `write` (write.ts: a quorum of copies, stand-ins that hold
// hints), `forward` (forward.ts: a non-replica hands a PUT to a replica). Answers from other nodes
// carry the request number and go to that machine. The store (store.ts) is one object changed in
// place; the ring (ring.ts) is computed from the members.
import { and, assign, emit, enqueueActions, not, setup, stateIn } from 'xstate'
import { defineNode, print, send, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import { REPLICAS, type ClientRequest, type Get, type Put } from 'distlab/protocol/dynamo'
import type { CoordinationInput } from './coordination.ts'
import { forwardMachine, type CoordinateHere } from './forward.ts'
import type { Coordinate, Coordinated, InternalMessage, JoinMe, Membership, ReplicaGet, ReplicaGetResp, ReplicaPut, ReplicaPutAck } from './internal.ts'
import { policy, type Policy } from './policy.ts'
import { readMachine } from './read.ts'
import { Ring } from './ring.ts'
import { Store } from './store.ts'
import { covers, decodeClock, increment, mergeClocks, type Clock, type Version } from './versions.ts'
import { writeMachine } from './write.ts'

const HANDOFF_MS = 100

interface Context {
  name: string
  address: string
  policy: Policy
  /** Every node that ever joined, with its address; `left` holds those that left since. */
  joined: Record<string, string>
  left: string[]
  store: Store
  /** Handoffs in flight, by request number: an acknowledged one is forgotten. */
  handoffs: Map<number, { owner: string; key: string; versions: Version[] }>
  /** Coordinations running, by request number: the id of their machine. */
  ops: Map<number, string>
  nextReq: number
}

type Request = Delivered<{ type: string } & Record<string, unknown>>
type Internal = Delivered<InternalMessage>
/** Client requests are typed as the protocol says, and checked by guards before they are used. */
type Event = Delivered<ClientRequest> | Internal | CoordinateHere | { type: `xstate.done.actor.${string}` } | Request

const ANSWERS = new Set(['ERROR', 'GET_RESP', 'PUT_RESP', 'LOOKUP_RESP', 'MEMBERS', 'COUNT_RECORDS_RESP'])
const isQuorum = (q: unknown): q is number => Number.isInteger(q) && (q as number) >= 1 && (q as number) <= REPLICAS

const members = (c: Context): string[] => Object.keys(c.joined).filter((n) => !c.left.includes(n)).sort()
const ringOf = (c: Context): Ring => new Ring(c.policy.ringMembers(Object.keys(c.joined), c.left))
const isMember = (c: Context): boolean => c.name in c.joined && !c.left.includes(c.name)
const field = (event: object, name: string): unknown => (event as Record<string, unknown>)[name]
const metadataOf = (event: object): unknown[] => {
  const m = field(event, 'metadata')
  return m === undefined ? [] : Array.isArray(m) ? m : [m]
}

/** What every coordination of this node starts from. */
function coordination(c: Context, key: string, quorum: number): CoordinationInput {
  return { req: c.nextReq, key, quorum, self: c.name, addresses: { ...c.joined }, store: c.store, policy: c.policy }
}

/** The new version of a write: it descends from every clock the client read, counted by this node. */
const newVersion = (c: Context, value: string, metadata: unknown[]): Version => ({ value, clock: increment(mergeClocks(metadata.map(decodeClock).filter((x): x is Clock => x !== null)), c.name) })

export function createNodeMachine(p: Policy = policy) {
  return setup({
    types: { input: {} as NodeInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
    actors: { read: readMachine, write: writeMachine, forward: forwardMachine },
    delays: { handoffPeriod: HANDOFF_MS },
    guards: {
      member: stateIn('#dynamo.membership.member'),
      wellFormedGet: ({ event }) => typeof field(event, 'key') === 'string' && isQuorum(field(event, 'quorum')),
      wellFormedPut: ({ event }) =>
        typeof field(event, 'key') === 'string' && typeof field(event, 'value') === 'string' && isQuorum(field(event, 'quorum')) && metadataOf(event).every((m) => decodeClock(m) !== null),
      /** A write is coordinated by one of the key's replicas. */
      replicaOfKey: ({ context, event }) => ringOf(context).replicas(String(field(event, 'key'))).includes(context.name),
      hasKey: ({ event }) => typeof field(event, 'key') === 'string',
      validJoin: ({ event }) => typeof field(event, 'seed') === 'string',
      createsCluster: ({ context, event }) => field(event, 'seed') === context.address,
      /** A MEMBERSHIP that tells this node something new. */
      news: ({ context, event }) => {
        const m = event as Delivered<Membership>
        return Object.entries(m.joined ?? {}).some(([n, a]) => context.joined[n] !== a) || (m.left ?? []).some((n) => n !== context.name && !context.left.includes(n))
      },
      hasHints: ({ context }) => context.store.hasHints(),
      handoffAck: ({ context, event }) => context.handoffs.has(Number(field(event, 'req'))),
      forOp: ({ context, event }) => context.ops.has(Number(field(event, 'req'))),
      isAnswer: ({ event }) => ANSWERS.has(event.type),
    },
    actions: {
      refuse: emit(({ event }) => send((event as Request).from, { type: 'ERROR', reason: refusal(event.type) })),
      refuseNotMember: emit(({ event }) => send((event as Request).from, { type: 'ERROR', reason: 'this node is not in a cluster' })),
      startRead: enqueueActions(({ context, event, enqueue }) => {
        const { key, quorum, from } = event as Delivered<Get>
        const preference = ringOf(context).preference(key)
        const id = `read ${context.nextReq} (${key})`
        enqueue.spawnChild('read', { id, input: { ...coordination(context, key, quorum), client: from, replicas: preference.slice(0, REPLICAS), candidates: context.policy.standIns(preference) } })
        enqueue.assign(opened(context, id))
      }),
      startWrite: enqueueActions(({ context, event, enqueue }) => {
        const e = event as Delivered<Put> | Delivered<Coordinate> | CoordinateHere
        const [address, forwardReq] = e.type === 'COORDINATE' ? [e.from, e.req] : e.type === 'PUT' ? [e.from, null] : [e.client, null]
        const preference = ringOf(context).preference(e.key)
        const id = `write ${context.nextReq} (${e.key})`
        const input = { ...coordination(context, e.key, e.quorum), answerTo: { address, forwardReq }, version: newVersion(context, e.value, metadataOf(e)), replicas: preference.slice(0, REPLICAS), candidates: context.policy.standIns(preference) }
        enqueue.spawnChild('write', { id, input })
        enqueue.assign(opened(context, id))
      }),
      startForward: enqueueActions(({ context, event, enqueue }) => {
        const { key, value, quorum, from } = event as Delivered<Put>
        const id = `forward ${context.nextReq} (${key})`
        enqueue.spawnChild('forward', { id, input: { ...coordination(context, key, quorum), value, metadata: metadataOf(event) as string[], client: from, replicas: ringOf(context).replicas(key) } })
        enqueue.assign(opened(context, id))
      }),
      toOp: enqueueActions(({ context, event, enqueue }) => {
        enqueue.sendTo(context.ops.get(Number(field(event, 'req'))) as string, event as Internal)
      }),
      forgetOp: ({ context, event }) => {
        for (const [req, id] of context.ops) if (event.type === `xstate.done.actor.${id}`) context.ops.delete(req)
      },
      answerLookup: emit(({ context, event }) => {
        const key = String(field(event, 'key'))
        return send((event as Request).from, { type: 'LOOKUP_RESP', key, nodes: ringOf(context).replicas(key).map((name) => [name, context.joined[name] ?? name]) })
      }),
      answerMembers: emit(({ context, event }) => send((event as Request).from, { type: 'MEMBERS', members: members(context) })),
      answerCount: emit(({ context, event }) => send((event as Request).from, { type: 'COUNT_RECORDS_RESP', count: context.store.count() })),
      answerReplicaGet: emit(({ context, event }) => {
        const { from, key, req } = event as Delivered<ReplicaGet>
        return send(from, { type: 'R_GET_RESP', key, req, versions: context.store.held(key) })
      }),
      storeReplicaPut: enqueueActions(({ context, event, enqueue }) => {
        const { from, key, versions, req, hintFor } = event as Delivered<ReplicaPut>
        if (hintFor) context.store.put(key, versions, hintFor)
        else context.store.receive(key, versions, ringOf(context), !isMember(context))
        if (req > 0) enqueue.emit(send(from, { type: 'R_PUT_ACK', req }))
      }),
      forgetHandedOver: enqueueActions(({ context, event, enqueue }) => {
        const req = Number(field(event, 'req'))
        const handoff = context.handoffs.get(req)
        if (!handoff) return
        context.handoffs.delete(req)
        context.store.delivered(handoff.owner, handoff.key, handoff.versions, covers)
        enqueue.emit(print(`handed ${handoff.key} over to ${handoff.owner}`))
      }),
      /** Offers every hint to its owner; acknowledged ones are forgotten (forgetHandedOver). */
      handOff: enqueueActions(({ context, enqueue }) => {
        const handoffs = new Map<number, { owner: string; key: string; versions: Version[] }>()
        let req = context.nextReq
        for (const [owner, keys] of context.store.hints) {
          for (const [key, versions] of keys) {
            handoffs.set(req, { owner, key, versions })
            enqueue.emit(send(context.joined[owner] ?? owner, { type: 'R_PUT', key, versions, req }))
            req++
          }
        }
        enqueue.assign({ handoffs, nextReq: req })
      }),
      // -- membership --
      join: assign(({ context }) => ({ joined: { ...context.joined, [context.name]: context.address }, left: context.left.filter((n) => n !== context.name) })),
      askSeed: emit(({ context, event }) => send(String(field(event, 'seed')), { type: 'JOIN_ME', name: context.name, address: context.address })),
      admit: assign(({ context, event }) => {
        const { name, address } = event as Delivered<JoinMe>
        // Whoever is joined through is a member, whether or not it was told to start the cluster yet.
        return { joined: { ...context.joined, [context.name]: context.address, [name]: address }, left: context.left.filter((n) => n !== name) }
      }),
      mergeMembership: assign(({ context, event }) => {
        const m = event as Delivered<Membership>
        const left = [...context.left]
        for (const name of m.left ?? []) if (!left.includes(name) && name !== context.name) left.push(name)
        return { joined: { ...context.joined, ...m.joined }, left }
      }),
      leave: assign(({ context }) => ({ left: [...context.left, context.name] })),
      printMembers: emit(({ context }) => print(isMember(context) ? `members: ${members(context).join(', ')}` : 'left the cluster; handing its data over')),
      rebalance: ({ context }) => context.store.rebalance(ringOf(context), context.left, !isMember(context)),
      /** Tells every node that ever joined who is in the cluster now. */
      broadcast: enqueueActions(({ context, enqueue }) => {
        const msg: Membership = { type: 'MEMBERSHIP', joined: { ...context.joined }, left: [...context.left] }
        for (const [name, address] of Object.entries(context.joined)) if (name !== context.name) enqueue.emit(send(address, msg))
      }),
    },
  }).createMachine({
    id: 'dynamo',
    context: ({ input }) => ({ name: input.name, address: input.address, policy: p, joined: {}, left: [], store: new Store(input.name, p.keep), handoffs: new Map(), ops: new Map(), nextReq: 1 }),
    type: 'parallel',
    states: {
      membership: {
        initial: 'alone',
        states: {
          alone: {
            on: {
              JOIN: [
                // Nodes may have joined through this one before it was told to start the cluster.
                { guard: and(['validJoin', 'createsCluster']), target: 'member', actions: ['join', 'broadcast'] },
                { guard: 'validJoin', target: 'member', actions: ['join', 'askSeed'] },
              ],
              JOIN_ME: { target: 'member', actions: ['admit', 'printMembers', 'rebalance', 'broadcast'] },
              MEMBERSHIP: { guard: 'news', actions: ['mergeMembership', 'printMembers', 'rebalance', 'broadcast'] },
            },
          },
          member: {
            on: {
              JOIN: [{ guard: and(['validJoin', 'createsCluster']), actions: ['join', 'broadcast'] }, { guard: 'validJoin', actions: ['join', 'askSeed'] }],
              JOIN_ME: { actions: ['admit', 'printMembers', 'rebalance', 'broadcast'] },
              MEMBERSHIP: { guard: 'news', actions: ['mergeMembership', 'printMembers', 'rebalance', 'broadcast'] },
              LEAVE: { target: 'leaving', actions: ['leave', 'printMembers', 'broadcast', 'rebalance'] },
            },
          },
          // Out of the ring for good, still handing its data over (a JOIN is ignored).
          leaving: {
            on: {
              MEMBERSHIP: { guard: 'news', actions: ['mergeMembership', 'rebalance'] },
            },
          },
        },
      },
      handoff: {
        initial: 'quiet',
        states: {
          quiet: { always: { guard: 'hasHints', target: 'delivering' } },
          delivering: {
            always: { guard: not('hasHints'), target: 'quiet' },
            after: { handoffPeriod: { target: 'delivering', reenter: true, actions: 'handOff' } },
          },
        },
      },
    },
    on: {
      GET: [{ guard: not('wellFormedGet'), actions: 'refuse' }, { guard: not('member'), actions: 'refuseNotMember' }, { actions: 'startRead' }],
      PUT: [
        { guard: not('wellFormedPut'), actions: 'refuse' },
        { guard: not('member'), actions: 'refuseNotMember' },
        { guard: 'replicaOfKey', actions: 'startWrite' },
        { actions: 'startForward' },
      ],
      COORDINATE: { actions: 'startWrite' },
      'forward.coordinateHere': { actions: 'startWrite' },
      LOOKUP: [{ guard: 'hasKey', actions: 'answerLookup' }, { actions: 'refuse' }],
      GET_MEMBERS: { actions: 'answerMembers' },
      COUNT_RECORDS: { actions: 'answerCount' },
      R_GET: { actions: 'answerReplicaGet' },
      R_PUT: { actions: 'storeReplicaPut' },
      R_PUT_ACK: [{ guard: 'handoffAck', actions: 'forgetHandedOver' }, { guard: 'forOp', actions: 'toOp' }],
      R_GET_RESP: { guard: 'forOp', actions: 'toOp' },
      COORDINATED: { guard: 'forOp', actions: 'toOp' },
      'xstate.done.actor.*': { actions: 'forgetOp' },
      // Membership messages the membership region did not take (nothing new, or not now).
      JOIN: {},
      JOIN_ME: {},
      MEMBERSHIP: {},
      LEAVE: {},
      '*': [{ guard: 'isAnswer' }, { actions: 'refuse' }],
    },
  })
}

/** The context after spawning coordination `id` for request number nextReq. */
function opened(context: Context, id: string): Partial<Context> {
  const ops = new Map(context.ops)
  ops.set(context.nextReq, id)
  return { ops, nextReq: context.nextReq + 1 }
}

function refusal(type: string): string {
  switch (type) {
    case 'GET':
      return `GET needs key (a string) and quorum (1 to ${REPLICAS})`
    case 'PUT':
      return `PUT needs key and value (strings), quorum (1 to ${REPLICAS}) and metadata as returned by GET (a string or an array of them)`
    case 'LOOKUP':
      return 'LOOKUP needs key (a string)'
    default:
      return `unknown request '${type}'`
  }
}

export const nodeMachine = createNodeMachine()

export default defineNode({ machine: nodeMachine, title: 'dynamo node' })
