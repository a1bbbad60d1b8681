// Patterns for leader-kv, quoted in spec.md ("Patterns you will need"): each region is one small
// machine, and the lab's tsc checks them all, so the spec's code always compiles.
import { emit, enqueueActions, setup } from 'xstate'
import { print, prompt, protocolOf, type Delivered, type Message, type NodeEffect, type StdinEvent } from 'distlab/node'
import type { Get, GetOk, LeaderKvMessage, Put, TryOtherServerOrLater } from 'distlab/protocol/leader-kv'

const { send, reply } = protocolOf<LeaderKvMessage>()

// #region menu
// Each line typed at the console is a `stdin` event; guards choose the branch.
export const menu = setup({
  types: { events: {} as StdinEvent, emitted: {} as NodeEffect },
  guards: { isPut: ({ event }) => event.line.trim().toUpperCase() === 'PUT' },
  actions: {
    showMenu: emit(prompt('INIT | PUT | GET > ')),
    complain: emit(({ event }) => prompt(`'${event.line}' is not an option`)),
  },
}).createMachine({
  initial: 'menu',
  states: {
    menu: {
      entry: 'showMenu',
      on: { stdin: [{ guard: 'isPut', target: 'putKey' }, { target: 'menu', reenter: true, actions: 'complain' }] },
    },
    putKey: { entry: emit(prompt('key > ')) },
  },
})
// #endregion

// #region timer
// A timer is an `after` delay, in virtual time; leaving the state cancels it.
export const getWithDeadline = setup({
  types: { events: {} as Delivered<GetOk | TryOtherServerOrLater>, emitted: {} as NodeEffect },
  delays: { patience: 1000 },
}).createMachine({
  initial: 'getting',
  states: {
    getting: {
      entry: emit(send('127.0.0.1:10097', { type: 'GET', key: 'x', ts: 0 })),
      on: { GET_OK: 'done', TRY_OTHER_SERVER_OR_LATER: 'done' },
      after: { patience: { target: 'done', actions: emit(print('no answer within 1 s')) } },
    },
    done: {},
  },
})
// #endregion

// #region effects
// One handler, several effects: enqueueActions emits as many as it needs, in order.
export const leader = setup({
  types: { context: {} as { others: string[]; clock: number }, events: {} as Delivered<Put>, emitted: {} as NodeEffect },
  actions: {
    replicate: enqueueActions(({ context, event, enqueue }) => {
      const ts = context.clock + 1
      enqueue.assign({ clock: ts })
      enqueue.emit(print(`Cliente ${event.from} PUT key:${event.key} value:${event.value}`))
      for (const server of context.others) enqueue.emit(send(server, { type: 'REPLICATION', key: event.key, value: event.value, ts }))
    }),
  },
}).createMachine({ context: { others: ['127.0.0.1:10098', '127.0.0.1:10099'], clock: 0 }, on: { PUT: { actions: 'replicate' } } })
// #endregion

// #region unknown
// leader-kv has no error message: whatever a server does not expect, it logs and answers nothing.
// `'*'` in the top state takes every event no other transition took.
export const server = setup({
  types: { events: {} as Delivered<Get>, emitted: {} as NodeEffect },
}).createMachine({
  on: {
    GET: { actions: emit(({ event }) => reply(event, { type: 'TRY_OTHER_SERVER_OR_LATER', key: event.key, ts: 0 })) },
    '*': { actions: emit(({ event }) => print(`ignored ${event.type} from ${(event as Partial<Delivered<Message>>).from ?? 'the runtime'}`)) },
  },
})
// #endregion
