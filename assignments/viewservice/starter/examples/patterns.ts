// Patterns for the viewservice, quoted in spec.md ("Patterns you will need"): each region is one
// small machine, and the lab's tsc checks them all, so the spec's code always compiles.
import { assign, emit, enqueueActions, setup } from 'xstate'
import { print, protocolOf, type Delivered, type NodeEffect } from 'distlab/node'
import type { Ping, View, ViewserviceMessage } from 'distlab/protocol/viewservice'

const { reply } = protocolOf<ViewserviceMessage>()

// #region timer
// The tick is an `after` delay, in virtual time; re-entering the state starts the next one.
export const ticking = setup({
  types: { context: {} as { tick: number; tickInterval: number } },
  delays: { tick: ({ context }) => context.tickInterval },
}).createMachine({
  context: { tick: 0, tickInterval: 100 },
  initial: 'serving',
  states: {
    serving: { after: { tick: { target: 'serving', reenter: true, actions: assign({ tick: ({ context }) => context.tick + 1 }) } } },
  },
})
// #endregion

// #region effects
// One handler, several effects: enqueueActions assigns, prints and answers, in order.
export const answering = setup({
  types: { context: {} as { view: View }, events: {} as Delivered<Ping>, emitted: {} as NodeEffect },
  actions: {
    firstView: enqueueActions(({ context, event, enqueue }) => {
      const view: View = { number: context.view.number + 1, master: event.name, backup: null }
      enqueue.assign({ view })
      enqueue.emit(print(`view ${view.number}: master ${view.master}`))
      enqueue.emit(reply(event, { type: 'VIEW', ...view }))
    }),
  },
}).createMachine({ context: { view: { number: 0, master: null, backup: null } }, on: { PING: { actions: 'firstView' } } })
// #endregion

// #region unknown
// `'*'` in the top state takes every event no other transition took: an unknown request gets
// ERROR. Answers (VIEW, MASTER_IS, ERROR) are never answered, or two nodes would bounce errors.
export const refusing = setup({
  types: { events: {} as Delivered<ViewserviceMessage>, emitted: {} as NodeEffect },
}).createMachine({
  on: {
    MASTER: { actions: emit(({ event }) => reply(event, { type: 'MASTER_IS', master: null })) },
    VIEW: {},
    MASTER_IS: {},
    ERROR: {},
    '*': { actions: emit(({ event }) => reply(event, { type: 'ERROR', reason: `unknown request '${event.type}'` })) },
  },
})
// #endregion
