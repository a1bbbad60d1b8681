// BUG: one console line differs from the seed by a word ("para o" instead of "ao").
import { enqueueActions } from 'xstate'
import { defineNode, print, send } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      answerPut: enqueueActions(({ context, enqueue }) => {
        const put = context.current
        if (!put) return
        enqueue.emit(print(`Enviando PUT_OK para o Cliente ${put.client} da key:${put.key} ts:${put.ts}`))
        enqueue.emit(send(put.via, { type: 'PUT_OK', key: put.key, value: put.value, ts: put.ts, client: put.client }))
        enqueue.assign({ current: null })
      }),
    },
  }),
})
