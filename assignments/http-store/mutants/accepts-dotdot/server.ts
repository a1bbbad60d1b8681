// BUG: names are only checked to be non-empty: '..', '/', NUL and overlong db or key names are stored.
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { checkToken } from '../../solution/tokens.ts'

const { routeRequest } = serverMachine.implementations.actions

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      routeRequest: enqueueActions(({ context, event, enqueue }) => {
        const set = event.type === 'HTTP_REQUEST' && event.method === 'PUT' ? /^\/db\/([^/]+)\/([^/?]+)$/.exec(event.path) : null
        if (event.type === 'HTTP_REQUEST' && set && checkToken(event.headers.authorization, context.config.secret).ok) {
          let value: unknown
          try {
            value = JSON.parse(event.body)
          } catch {
            value = event.body
          }
          const route = { kind: 'set' as const, db: decodeURIComponent(set[1] as string), key: decodeURIComponent(set[2] as string), value }
          return enqueue.raise({ type: 'req.set', from: event.from, rid: event.rid, route })
        }
        if (routeRequest) enqueue(routeRequest as Parameters<typeof enqueue>[0])
      }),
    },
  }),
})
