// A client PUT that reached a node which is not one of the key's replicas. Writes are coordinated,
// as a rule, by a replica, so it hands the PUT to the first replica, then the next if no answer
// comes in time, and coordinates it itself when none answers. "In time" is as long as a
// coordination may take (all its rounds): waiting less would let a second replica coordinate the
// same PUT while the first is still gathering its quorum, and write it twice (as siblings).
//
//   handing ──COORDINATED──▶ relayed
//     └──no answer in coordinationTimeout: next replica (reenter) / none left──▶ coordinatingHere
import { assign, emit, sendParent, setup } from 'xstate'
import { send, type Delivered, type NodeEffect } from 'distlab/node'
import type { Coordinated } from './internal.ts'
import { MAX_ROUNDS, ROUND_MS, addressOf, type CoordinationInput } from './coordination.ts'

export interface ForwardInput extends CoordinationInput {
  value: string
  metadata: string[]
  client: string
  replicas: string[]
}

interface Context extends ForwardInput {
  tried: string[]
}

/** Told to the node: no replica took the PUT; coordinate it here, answering the client. */
export interface CoordinateHere {
  type: 'forward.coordinateHere'
  key: string
  value: string
  quorum: number
  metadata: string[]
  client: string
}

type Event = Delivered<Coordinated>

export const forwardMachine = setup({
  types: { input: {} as ForwardInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  delays: { coordinationTimeout: (MAX_ROUNDS + 1) * ROUND_MS },
  guards: {
    replicaLeft: ({ context }) => context.replicas.some((r) => !context.tried.includes(r)),
    written: ({ event }) => typeof event.metadata === 'string',
  },
  actions: {
    handToNextReplica: emit(({ context }) => {
      const next = context.tried.at(-1) as string
      return send(addressOf(context, next), { type: 'COORDINATE', key: context.key, value: context.value, quorum: context.quorum, metadata: context.metadata, req: context.req })
    }),
    pickNextReplica: assign({ tried: ({ context }) => [...context.tried, context.replicas.find((r) => !context.tried.includes(r)) as string] }),
    relayWritten: emit(({ context, event }) => send(context.client, { type: 'PUT_RESP', key: context.key, metadata: event.metadata as string })),
    relayError: emit(({ context, event }) => send(context.client, { type: 'ERROR', reason: event.error ?? 'the write failed' })),
    coordinateHere: sendParent(({ context }): CoordinateHere => ({ type: 'forward.coordinateHere', key: context.key, value: context.value, quorum: context.quorum, metadata: context.metadata, client: context.client })),
  },
}).createMachine({
  id: 'forward',
  context: ({ input }) => ({ ...input, tried: [] }),
  initial: 'handing',
  entry: 'pickNextReplica',
  states: {
    handing: {
      entry: 'handToNextReplica',
      on: { COORDINATED: [{ guard: 'written', target: 'relayed', actions: 'relayWritten' }, { target: 'relayed', actions: 'relayError' }] },
      after: { coordinationTimeout: [{ guard: 'replicaLeft', target: 'handing', reenter: true, actions: 'pickNextReplica' }, { target: 'coordinatingHere' }] },
    },
    relayed: { type: 'final' },
    coordinatingHere: { type: 'final', entry: 'coordinateHere' },
  },
})
