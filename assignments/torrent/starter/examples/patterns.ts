// Patterns for torrent, quoted in spec.md ("Patterns you will need"): each region is one small
// machine, and the lab's tsc checks them all, so the spec's code always compiles.
import { emit, enqueueActions, setup } from 'xstate'
import { print, send, type Delivered, type Message, type NodeEffect } from 'distlab/node'
import { COMPLETE_LINE } from 'distlab/protocol/torrent'

/** Your own protocol between nodes. */
type Wire = { type: 'HAVE'; parts: number[] } | { type: 'WANT'; part: number }

// #region timer
// A tick: an `after` delay, in virtual time, re-entered each time (ask peers again, retry).
export const ticking = setup({
  types: { context: {} as { peers: string[] }, emitted: {} as NodeEffect },
  delays: { tick: 100 },
  actions: {
    askAgain: enqueueActions(({ context, enqueue }) => {
      for (const peer of context.peers) enqueue.emit(send<Wire>(peer, { type: 'WANT', part: 0 }))
    }),
  },
}).createMachine({
  context: { peers: ['10.0.0.2'] },
  initial: 'trading',
  states: {
    trading: { after: { tick: { target: 'trading', reenter: true, actions: 'askAgain' } } },
  },
})
// #endregion

// #region effects
// One handler, several effects: a part arrived; tell every peer, and print once all are here.
export const receiving = setup({
  types: { context: {} as { peers: string[]; have: number[]; total: number }, events: {} as Delivered<{ type: 'PART'; part: number }>, emitted: {} as NodeEffect },
  actions: {
    store: enqueueActions(({ context, event, enqueue }) => {
      const have = [...context.have, event.part]
      enqueue.assign({ have })
      for (const peer of context.peers) enqueue.emit(send<Wire>(peer, { type: 'HAVE', parts: [event.part] }))
      if (have.length === context.total) enqueue.emit(print(COMPLETE_LINE))
    }),
  },
}).createMachine({ context: { peers: [], have: [], total: 4 }, on: { PART: { actions: 'store' } } })
// #endregion

// #region unknown
// The protocol is yours and has no error message: whatever a node does not expect, it logs
// and ignores. `'*'` in the top state takes every event no other transition took.
export const ignoring = setup({
  types: { events: {} as Delivered<Wire>, emitted: {} as NodeEffect },
}).createMachine({
  on: {
    HAVE: {},
    '*': { actions: emit(({ event }) => print(`ignored ${event.type} from ${(event as Partial<Delivered<Message>>).from ?? 'the runtime'}`)) },
  },
})
// #endregion
