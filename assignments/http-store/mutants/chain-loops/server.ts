// BUG: a hop of a chained read forgets the path it came by: nodes ask each other in circles until
// the read's time runs out.
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { read } from '../../solution/steps.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      continueChain: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'req.lookup') return
        const { db, keys, budget } = event.route
        read(context, enqueue, { replyTo: event.from, rid: event.rid, kind: 'hop', db, keys }, [], budget)
      }),
    },
  }),
})
