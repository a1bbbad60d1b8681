// A leader-kv server: a starting point that type-checks and loads, and answers nothing yet.
// spec.md says what it must do, and its "Patterns you will need" shows how in a few lines each.
import { emit, setup } from 'xstate'
import { defineNode, print, type Address, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import type { ServerConfig, ServerMessage } from 'distlab/protocol/leader-kv'

interface Context {
  self: Address
  leader: Address
  others: Address[]
}

/** What a server hears: every message of the protocol a server takes, with its sender. */
type Event = Delivered<ServerMessage>

export const serverMachine = setup({
  types: { input: {} as NodeInput<ServerConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: one action per protocol step (forward a PUT, replicate, answer a GET, ...).
    notYet: emit(({ context, event }) => print(`${context.self}: ${event.type} from ${event.from} is not handled yet`)),
  },
}).createMachine({
  id: 'server',
  context: ({ input }) => ({ self: input.address, leader: input.config.leader, others: input.config.servers.filter((s) => s !== input.address) }),
  initial: 'serving',
  states: {
    // TODO: states for the leader and the followers.
    serving: {},
  },
  on: { '*': { actions: 'notYet' } },
})

export default defineNode({ machine: serverMachine, title: 'leader-kv server' })
