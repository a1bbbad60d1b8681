// BUG: every request is logged to the console with its Authorization header, token and all.
import { enqueueActions } from 'xstate'
import { defineNode, print } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

const { routeRequest } = serverMachine.implementations.actions

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      routeRequest: enqueueActions(({ event, enqueue }) => {
        if (event.type === 'HTTP_REQUEST') enqueue.emit(print(`${event.method} ${event.path} authorization=${event.headers.authorization ?? '-'}`))
        // Then exactly what the reference does (its implementation, typed for any machine).
        if (routeRequest) enqueue(routeRequest as Parameters<typeof enqueue>[0])
      }),
    },
  }),
})
