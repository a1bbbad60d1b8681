// BUG: a value a chained read brings back is passed on to the caller but not kept on the way.
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { finish } from '../../solution/steps.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      finishRead: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'chain.done') return
        // What came back joins what this node found, and is answered, but never stored here.
        finish(context, enqueue, { ...event.origin, found: { ...event.found, ...event.origin.found } }, {})
      }),
    },
  }),
})
