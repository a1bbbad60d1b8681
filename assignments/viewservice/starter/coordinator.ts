// The viewservice coordinator: a starting point that type-checks and loads, and answers every
// request with ERROR. spec.md says what it must do; its "Patterns you will need" shows how.
import { emit, setup } from 'xstate'
import { defineNode, protocolOf, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import { DEFAULT_DEAD_PINGS, DEFAULT_TICK_INTERVAL, type CoordinatorConfig, type CoordinatorRequest, type View, type ViewserviceMessage } from 'distlab/protocol/viewservice'

const { reply } = protocolOf<ViewserviceMessage>()

interface Context {
  view: View
  deadPings: number
  tickInterval: number
}

type Event = Delivered<CoordinatorRequest>

export const coordinatorMachine = setup({
  types: { input: {} as NodeInput<CoordinatorConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: PING, MASTER and GET_VIEW, and a tick (an `after` delay) that finds dead servers.
    notYet: emit(({ event }) => reply(event, { type: 'ERROR', reason: `${event.type} is not implemented yet` })),
  },
}).createMachine({
  id: 'coordinator',
  context: ({ input }) => ({
    view: { number: 0, master: null, backup: null },
    deadPings: input.config.deadPings ?? DEFAULT_DEAD_PINGS,
    tickInterval: input.config.tickInterval ?? DEFAULT_TICK_INTERVAL,
  }),
  initial: 'serving',
  states: { serving: {} },
  on: { '*': { actions: 'notYet' } },
})

export default defineNode({ machine: coordinatorMachine, title: 'viewservice coordinator' })
