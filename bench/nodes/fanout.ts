// Bench workload: every node keeps `window` broadcast rounds in flight: a REQ to every peer, and a
// new round as soon as every peer answered one (a pipelined broadcast, like a replicated log
// with outstanding proposals). Every node answers its peers' REQs.
import { assign, emit, enqueueActions, setup } from 'xstate'
import { defineNode, reply, send, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'

type Req = { type: 'REQ'; round: number }
type Rep = { type: 'REP'; round: number }
type Context = { peers: string[]; window: number; rounds: number; pending: Record<number, number> }

const machine = setup({
  types: { input: {} as NodeInput<{ window: number }>, context: {} as Context, events: {} as Delivered<Req> | Delivered<Rep>, emitted: {} as NodeEffect },
  actions: {
    broadcast: enqueueActions(({ context, enqueue }, params: { count: number }) => {
      const pending = { ...context.pending }
      for (let i = 1; i <= params.count; i++) {
        const round = context.rounds + i
        pending[round] = context.peers.length
        for (const peer of context.peers) enqueue.emit(send(peer, { type: 'REQ', round }))
      }
      enqueue.assign({ rounds: context.rounds + params.count, pending })
    }),
  },
}).createMachine({
  context: ({ input }) => ({ peers: input.peers, window: input.config.window, rounds: 0, pending: {} }),
  entry: { type: 'broadcast', params: ({ context }) => ({ count: context.window }) },
  on: {
    REQ: { actions: emit(({ event }) => reply(event, { type: 'REP', round: event.round })) },
    REP: [
      {
        guard: ({ context, event }) => context.pending[event.round] === 1,
        actions: [assign({ pending: ({ context, event }) => { const { [event.round]: _, ...rest } = context.pending; return rest } }), { type: 'broadcast', params: { count: 1 } }],
      },
      { actions: assign({ pending: ({ context, event }) => ({ ...context.pending, [event.round]: (context.pending[event.round] ?? 1) - 1 }) }) },
    ],
  },
})

export default defineNode({ machine })
