// Bench workload: each node keeps `window` PINGs in flight to the next node of a ring and
// answers every PING with a PONG.
import { assign, emit, enqueueActions, setup } from 'xstate'
import { defineNode, reply, send, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'

type Config = { next: string; window: number }
type Ping = { type: 'PING'; n: number }
type Pong = { type: 'PONG'; n: number }

const machine = setup({
  types: { input: {} as NodeInput<Config>, context: {} as { next: string; window: number; sent: number }, events: {} as Delivered<Ping> | Delivered<Pong>, emitted: {} as NodeEffect },
}).createMachine({
  context: ({ input }) => ({ next: input.config.next, window: input.config.window, sent: 0 }),
  entry: enqueueActions(({ context, enqueue }) => {
    for (let n = 0; n < context.window; n++) enqueue.emit(send(context.next, { type: 'PING', n }))
    enqueue.assign({ sent: context.window })
  }),
  on: {
    PING: { actions: emit(({ event }) => reply(event, { type: 'PONG', n: event.n })) },
    PONG: {
      actions: [assign({ sent: ({ context }) => context.sent + 1 }), emit(({ context }) => send(context.next, { type: 'PING', n: context.sent }))],
    },
  },
})

export default defineNode({ machine })
