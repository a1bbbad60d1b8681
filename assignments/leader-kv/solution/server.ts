// The leader-kv server (reference). One machine for both roles: the configured leader serializes
// PUTs (one replication round at a time); followers forward PUTs and apply REPLICATIONs. Every
// server answers GETs under the client-timestamp rule.
import { assign, emit, enqueueActions, setup } from 'xstate'
import { defineNode, print, protocolOf, type Address, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import type { Get, LeaderKvMessage, Put, PutOk, Replication, ReplicationOk, ServerConfig } from 'distlab/protocol/leader-kv'

const { send, reply } = protocolOf<LeaderKvMessage>()

interface Stored {
  value: string
  ts: number
}

/** A PUT the leader has accepted: answered to `via` (the client, or the follower that forwarded it). */
interface PendingPut {
  key: string
  value: string
  client: Address
  via: Address
  ts: number
  acks: Address[]
}

interface Context {
  self: Address
  leader: Address
  others: Address[]
  store: Record<string, Stored>
  /** The leader's logical clock: the timestamp of the newest PUT. */
  clock: number
  queue: PendingPut[]
  current: PendingPut | null
}

type Event = Delivered<Put> | Delivered<Replication> | Delivered<ReplicationOk> | Delivered<PutOk> | Delivered<Get>

/** A missing key has timestamp 0, so a client that has seen the key never reads NULL. */
const tsOf = (store: Record<string, Stored>, key: string): number => store[key]?.ts ?? 0

export const serverMachine = setup({
  types: {
    input: {} as NodeInput<ServerConfig>,
    context: {} as Context,
    events: {} as Event,
    emitted: {} as NodeEffect,
  },
  guards: {
    isLeader: ({ context }) => context.self === context.leader,
    hasQueued: ({ context }) => context.queue.length > 0,
    // Only another server's first REPLICATION_OK for the PUT in flight counts (not a stranger's).
    ackForCurrent: ({ context, event }) =>
      event.type === 'REPLICATION_OK' && context.current?.ts === event.ts && context.others.includes(event.from) && !context.current.acks.includes(event.from),
    allAcked: ({ context }) => context.current !== null && context.current.acks.length >= context.others.length,
    fresh: ({ context, event }) => event.type === 'GET' && tsOf(context.store, event.key) >= event.ts,
  },
  actions: {
    // -- leader --
    acceptPut: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'PUT') return
      const client = event.client ?? event.from
      enqueue.emit(print(`Cliente ${client} PUT key:${event.key} value:${event.value}`))
      const pending: PendingPut = { key: event.key, value: event.value, client, via: event.from, ts: 0, acks: [] }
      enqueue.assign({ queue: [...context.queue, pending] })
    }),
    startNext: enqueueActions(({ context, enqueue }) => {
      const [next, ...rest] = context.queue
      if (!next) return
      const ts = context.clock + 1
      const current = { ...next, ts }
      enqueue.assign({ queue: rest, clock: ts, current, store: { ...context.store, [next.key]: { value: next.value, ts } } })
      for (const server of context.others) enqueue.emit(send(server, { type: 'REPLICATION', key: next.key, value: next.value, ts }))
    }),
    recordAck: assign({
      current: ({ context, event }) => (context.current ? { ...context.current, acks: [...context.current.acks, (event as Delivered<ReplicationOk>).from] } : null),
    }),
    answerPut: enqueueActions(({ context, enqueue }) => {
      const put = context.current
      if (!put) return
      enqueue.emit(print(`Enviando PUT_OK ao Cliente ${put.client} da key:${put.key} ts:${put.ts}`))
      enqueue.emit(send(put.via, { type: 'PUT_OK', key: put.key, value: put.value, ts: put.ts, client: put.client }))
      enqueue.assign({ current: null })
    }),
    // -- follower --
    forwardPut: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'PUT') return
      enqueue.emit(print(`Encaminhando PUT key:${event.key} value:${event.value}`))
      enqueue.emit(send(context.leader, { type: 'PUT', key: event.key, value: event.value, client: event.from }))
    }),
    relayPutOk: emit(({ event }) => {
      const ok = event as Delivered<PutOk>
      return send(ok.client ?? ok.from, { type: 'PUT_OK', key: ok.key, value: ok.value, ts: ok.ts })
    }),
    applyReplication: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REPLICATION') return
      if (event.ts > tsOf(context.store, event.key)) enqueue.assign({ store: { ...context.store, [event.key]: { value: event.value, ts: event.ts } } })
      enqueue.emit(print(`REPLICATION key:${event.key} value:${event.value} ts:${event.ts}`))
      enqueue.emit(reply(event, { type: 'REPLICATION_OK', key: event.key, ts: event.ts }))
    }),
    // -- every server --
    answerGet: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'GET') return
      const stored = context.store[event.key]
      const value = stored?.value ?? null
      const ts = stored?.ts ?? 0
      enqueue.emit(print(`Cliente ${event.from} GET key:${event.key} ts:${event.ts}. Meu ts é ${ts}, portanto devolvendo ${value ?? 'NULL'}`))
      enqueue.emit(reply(event, { type: 'GET_OK', key: event.key, value, ts }))
    }),
    refuseGet: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'GET') return
      const ts = tsOf(context.store, event.key)
      enqueue.emit(print(`Cliente ${event.from} GET key:${event.key} ts:${event.ts}. Meu ts é ${ts}, portanto devolvendo TRY_OTHER_SERVER_OR_LATER`))
      enqueue.emit(reply(event, { type: 'TRY_OTHER_SERVER_OR_LATER', key: event.key, ts }))
    }),
  },
}).createMachine({
  id: 'server',
  context: ({ input }) => ({
    self: input.address,
    leader: input.config.leader,
    others: input.config.servers.filter((s) => s !== input.address),
    store: {},
    clock: 0,
    queue: [],
    current: null,
  }),
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'isLeader', target: 'leader' }, { target: 'follower' }],
    },
    leader: {
      initial: 'idle',
      on: { PUT: { actions: 'acceptPut' } },
      states: {
        idle: {
          always: { guard: 'hasQueued', target: 'replicating' },
        },
        replicating: {
          entry: 'startNext',
          always: { guard: 'allAcked', target: 'idle', actions: 'answerPut' },
          on: { REPLICATION_OK: { guard: 'ackForCurrent', actions: 'recordAck' } },
        },
      },
    },
    follower: {
      on: {
        PUT: { actions: 'forwardPut' },
        PUT_OK: { actions: 'relayPutOk' },
        REPLICATION: { actions: 'applyReplication' },
      },
    },
  },
  on: {
    GET: [{ guard: 'fresh', actions: 'answerGet' }, { actions: 'refuseGet' }],
  },
})

export default defineNode({ machine: serverMachine, title: 'leader-kv server' })
