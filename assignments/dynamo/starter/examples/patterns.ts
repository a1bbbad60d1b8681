// Patterns for dynamo, quoted in spec.md ("Patterns you will need"): each region is one small
// machine, and the lab's tsc checks them all, so the spec's code always compiles.
import { emit, enqueueActions, setup } from 'xstate'
import { print, send, type Delivered, type NodeEffect } from 'distlab/node'
import type { ClientReply, ClientRequest, Get, GetResp } from 'distlab/protocol/dynamo'

/** Your own node-to-node messages. */
interface ReplicaGet {
  type: 'REPLICA_GET'
  key: string
}
type Internal = ReplicaGet | { type: 'REPLICA_GET_RESP'; key: string; values: string[] }

const answer = (to: string, message: ClientReply) => send(to, message)

// #region timer
// A quorum that does not come in time: an `after` delay, in virtual time, cancelled on leaving.
export const reading = setup({
  types: { context: {} as { client: string; key: string }, events: {} as Delivered<Internal>, emitted: {} as NodeEffect },
  delays: { quorumTimeout: 1000 },
}).createMachine({
  context: { client: 'c1', key: 'k' },
  initial: 'waiting',
  states: {
    waiting: {
      on: { REPLICA_GET_RESP: 'done' },
      after: { quorumTimeout: { target: 'done', actions: emit(({ context }) => answer(context.client, { type: 'ERROR', reason: `no quorum for '${context.key}'` })) } },
    },
    done: { type: 'final' },
  },
})
// #endregion

// #region effects
// One handler, several effects: a coordinator asks every replica at once.
export const coordinator = setup({
  types: { context: {} as { replicas: string[] }, events: {} as Delivered<Get>, emitted: {} as NodeEffect },
  actions: {
    askReplicas: enqueueActions(({ context, event, enqueue }) => {
      enqueue.emit(print(`GET ${event.key} from ${event.from}: asking ${context.replicas.length} replicas`))
      for (const replica of context.replicas) enqueue.emit(send<ReplicaGet>(replica, { type: 'REPLICA_GET', key: event.key }))
    }),
  },
}).createMachine({ context: { replicas: ['n1', 'n2', 'n3'] }, on: { GET: { actions: 'askReplicas' } } })
// #endregion

// #region unknown
// `'*'` in the top state takes every event no other transition took: an unknown request gets
// ERROR, sent only to a sender (events from the runtime have no `from`).
export const refusing = setup({
  types: { events: {} as Delivered<ClientRequest | GetResp>, emitted: {} as NodeEffect },
}).createMachine({
  on: {
    GET_MEMBERS: { actions: emit(({ event }) => answer(event.from, { type: 'MEMBERS', members: [] })) },
    GET_RESP: {},
    '*': { actions: emit(({ event }) => answer(event.from, { type: 'ERROR', reason: `unknown request '${event.type}'` })) },
  },
})
// #endregion
