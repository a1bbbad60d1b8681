// BUG: a token is checked for its shape (cluster.login.nonce.mac) but its signature is never
// verified: a token any other cluster issued, or anyone made up in that shape, is taken.
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { issueToken } from '../../solution/tokens.ts'

const { routeRequest } = serverMachine.implementations.actions

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      routeRequest: enqueueActions(({ context, event, enqueue }) => {
        // A well-shaped token is swapped for one this cluster signed: from here on it passes.
        const match = event.type === 'HTTP_REQUEST' && !event.headers['x-resigned'] ? /^Bearer\s+([^.\s]+)\.([^.\s]+)\.[^.\s]+\.[^.\s]+$/i.exec(event.headers.authorization ?? '') : null
        if (event.type === 'HTTP_REQUEST' && match) {
          const signed = issueToken(context.config.cluster, context.config.secret, match[2] as string)
          return enqueue.raise({ ...event, headers: { ...event.headers, authorization: `Bearer ${signed}`, 'x-resigned': '1' } })
        }
        if (routeRequest) enqueue(routeRequest as Parameters<typeof enqueue>[0])
      }),
    },
  }),
})
