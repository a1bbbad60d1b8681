// An http-store server: a starting point that type-checks and loads, and answers every request
// 501. spec.md says what it must do; its "Patterns you will need" shows how.
import { emit, setup } from 'xstate'
import { defineNode, jsonResponse, send, type DeliveredHttpRequest, type NodeEffect, type NodeInput, type StdinEvent } from 'distlab/node'
import type { ErrorBody, ServerConfig } from 'distlab/protocol/http-store'

interface Context {
  self: string
  cluster: string
}

/** HTTP requests, and lines typed at the server's console (mkcluster ADDRESS). */
type Event = DeliveredHttpRequest | StdinEvent

export const serverMachine = setup({
  types: { input: {} as NodeInput<ServerConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: auth, set, get, the internal endpoints, the log in the data directory.
    notYet: emit(({ event }) => {
      const request = event as DeliveredHttpRequest
      const body: ErrorBody = { error: `${request.method} ${request.path} is not implemented yet` }
      return send(request.from, jsonResponse(request, 501, body))
    }),
  },
}).createMachine({
  id: 'server',
  context: ({ input }) => ({ self: input.address, cluster: input.config.cluster }),
  initial: 'serving',
  states: {
    serving: {
      on: { HTTP_REQUEST: { actions: 'notYet' } },
    },
  },
})

export default defineNode({ machine: serverMachine, title: 'http-store server' })
