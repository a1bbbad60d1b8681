// The leader-kv console client: a starting point that type-checks and loads, and does nothing yet
// but show its menu. spec.md says what it must do; its "Patterns you will need" shows how.
import { emit, setup } from 'xstate'
import { defineNode, prompt, type Address, type Delivered, type NodeEffect, type StdinEvent } from 'distlab/node'
import type { ClientMessage } from 'distlab/protocol/leader-kv'

interface Context {
  servers: Address[]
}

/** Lines typed at the console, and the servers' answers. */
type Event = StdinEvent | Delivered<ClientMessage>

export const clientMachine = setup({
  types: { context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    showMenu: emit(prompt('INIT | PUT | GET > ')),
    // TODO: INIT, PUT and GET.
    notYet: emit(({ event }) => prompt(`${event.type === 'stdin' ? `'${event.line}'` : event.type}: not handled yet`)),
  },
}).createMachine({
  id: 'client',
  context: { servers: [] },
  initial: 'menu',
  states: {
    menu: {
      entry: 'showMenu',
      on: { '*': { actions: 'notYet' } },
    },
  },
})

export default defineNode({ machine: clientMachine, title: 'leader-kv client' })
