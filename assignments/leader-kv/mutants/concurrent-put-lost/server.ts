// BUG: a PUT that arrives while another is being replicated is dropped.
import { assign, emit, enqueueActions } from 'xstate'
import { defineNode, print } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      acceptPut: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'PUT' || context.current !== null) return
        const client = event.client ?? event.from
        enqueue(emit(print(`Cliente ${client} PUT key:${event.key} value:${event.value}`)))
        enqueue(assign({ queue: [...context.queue, { key: event.key, value: event.value, client, via: event.from, ts: 0, acks: [] }] }))
      }),
    },
  }),
})
