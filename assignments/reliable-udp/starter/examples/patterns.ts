// Patterns for reliable-udp, quoted in spec.md ("Patterns you will need"): each region is one
// small machine, and the lab's tsc checks them all, so the spec's code always compiles.
import { emit, enqueueActions, setup } from 'xstate'
import { send, toApp, type Delivered, type NodeEffect } from 'distlab/node'
import { SEND_TIMEOUT_MS, type AppResult, type Datagram, type RecvFrom, type SendTo } from 'distlab/protocol/reliable-udp'

const answer = (result: AppResult) => toApp(result)

// #region timer
// Retransmit every 500 ms until acknowledged, give up after SEND_TIMEOUT_MS: two `after`
// delays, in virtual time. Re-entering restarts only the state's own; the outer one runs on.
export const transmission = setup({
  types: { context: {} as { to: string; packet: Uint8Array; request: number; id: number }, events: {} as Delivered<Datagram>, emitted: {} as NodeEffect },
  delays: { retransmit: 500, giveUp: SEND_TIMEOUT_MS },
}).createMachine({
  context: { to: '10.0.0.2:9000', packet: new Uint8Array(5), request: 1, id: 0 },
  initial: 'waiting',
  after: { giveUp: { target: '.gaveUp' } },
  states: {
    waiting: {
      entry: emit(({ context }) => send<Datagram>(context.to, { type: 'datagram', data: context.packet })),
      after: { retransmit: { target: 'waiting', reenter: true } },
    },
    gaveUp: { entry: emit(({ context }) => answer({ type: 'timeout', request: context.request, id: context.id })) },
  },
})
// #endregion

// #region effects
// One handler, several effects: a DATA datagram is acknowledged and handed to the application.
export const receiving = setup({
  types: { context: {} as { waiting: number | null }, events: {} as Delivered<Datagram>, emitted: {} as NodeEffect },
  actions: {
    deliver: enqueueActions(({ context, event, enqueue }) => {
      const id = new DataView(event.data.buffer, event.data.byteOffset).getUint32(1)
      const ack = new Uint8Array(5)
      ack[0] = 1
      new DataView(ack.buffer).setUint32(1, id)
      enqueue.emit(send<Datagram>(event.from, { type: 'datagram', data: ack }))
      if (context.waiting !== null) enqueue.emit(answer({ type: 'received', request: context.waiting, data: event.data.subarray(5), from: event.from }))
    }),
  },
}).createMachine({ context: { waiting: null }, on: { datagram: { actions: 'deliver' } } })
// #endregion

// #region unknown
// The application's requests are events too; one it cannot serve gets an `error` result,
// and an event nobody expects is ignored by `'*'` in the top state.
export const socket = setup({
  types: { events: {} as SendTo | RecvFrom, emitted: {} as NodeEffect },
  guards: { tooBig: ({ event }) => event.type === 'sendto' && event.data.byteLength > 65_502 },
}).createMachine({
  on: {
    sendto: { guard: 'tooBig', actions: emit(({ event }) => answer({ type: 'error', request: event.request, reason: 'payload over MAX_PAYLOAD' })) },
    '*': {},
  },
})
// #endregion
