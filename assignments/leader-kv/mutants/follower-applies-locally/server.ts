// BUG: a follower keeps the PUT to itself and answers PUT_OK with a timestamp of its own.
import { emit, enqueueActions } from 'xstate'
import { defineNode, print, reply } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      forwardPut: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'PUT') return
        const ts = (context.store[event.key]?.ts ?? 0) + 1
        enqueue.assign({ store: { ...context.store, [event.key]: { value: event.value, ts } } })
        enqueue(emit(print(`Encaminhando PUT key:${event.key} value:${event.value}`)))
        enqueue(emit(reply(event, { type: 'PUT_OK', key: event.key, value: event.value, ts })))
      }),
    },
  }),
})
