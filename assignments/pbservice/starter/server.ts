// A pbservice server: a starting point that type-checks and loads, and refuses every client
// request with ERROR. spec.md says what it must do; its "Patterns you will need" shows how.
import { emit, setup } from 'xstate'
import { defineNode, protocolOf, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import { DEFAULT_TICK_INTERVAL, type ClientRequest, type PbserviceMessage, type ServerConfig, type View } from 'distlab/protocol/pbservice'

const { reply } = protocolOf<PbserviceMessage>()

interface Context {
  coordinator: string
  tickInterval: number
  view: View
  data: Record<string, string>
}

// TODO: add the coordinator's VIEW (distlab/protocol/viewservice) and the backup's messages.
type Event = Delivered<ClientRequest>

export const serverMachine = setup({
  types: { input: {} as NodeInput<ServerConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: ping the coordinator every tick; serve as primary, backup or neither by the view.
    notYet: emit(({ event }) => reply(event, { type: 'ERROR', reason: `${event.type} is not implemented yet`, rid: event.rid })),
  },
}).createMachine({
  id: 'server',
  context: ({ input }) => ({
    coordinator: input.config.coordinator,
    tickInterval: input.config.tickInterval ?? DEFAULT_TICK_INTERVAL,
    view: { number: 0, master: null, backup: null },
    data: {},
  }),
  initial: 'idle',
  states: { idle: {} },
  on: { PUT: { actions: 'notYet' }, GET: { actions: 'notYet' } },
})

export default defineNode({ machine: serverMachine, title: 'pbservice server' })
