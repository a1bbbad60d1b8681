// BUG: the client never sends the timestamp it has seen (always 0).
import { enqueueActions } from 'xstate'
import { defineNode, send } from 'distlab/node'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({
  machine: clientMachine.provide({
    actions: {
      sendGet: enqueueActions(({ context, enqueue }) => {
        const server = context.servers[Math.floor(Math.random() * context.servers.length)] ?? ''
        enqueue.assign({ request: { ...context.request, server, ts: 0 } })
        enqueue.emit(send(server, { type: 'GET', key: context.request.key, ts: 0 }))
      }),
    },
  }),
})
