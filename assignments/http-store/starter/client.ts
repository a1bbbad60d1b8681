// The http-store console client: a starting point that type-checks and loads, and knows no command
// yet. spec.md says what it must do; its "Patterns you will need" shows how.
import { emit, setup } from 'xstate'
import { defineNode, print, type Delivered, type HttpResponseMessage, type NodeEffect, type NodeInput, type StdinEvent } from 'distlab/node'
import type { ClientConfig } from 'distlab/protocol/http-store'

interface Context {
  servers: string[]
  token: string | null
}

/** Lines typed at the console, and the servers' HTTP responses. */
type Event = StdinEvent | Delivered<HttpResponseMessage>

export const clientMachine = setup({
  types: { input: {} as NodeInput<ClientConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: auth, set, get, exit, and the checker that keeps the server list fresh.
    notYet: emit(({ event }) => print(`${event.type === 'stdin' ? event.line : event.type}: not implemented yet`)),
  },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ servers: input.config.servers, token: null }),
  initial: 'ready',
  states: {
    ready: {
      on: { stdin: { actions: 'notYet' } },
    },
  },
})

export default defineNode({ machine: clientMachine, title: 'http-store client' })
