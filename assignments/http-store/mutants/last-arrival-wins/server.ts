// BUG: a propagated write replaces what the server holds, whatever its stamp: two concurrent sets
// of one key end with each server keeping the one that reached it last.
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { answer } from '../../solution/steps.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      storeReplica: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'req.replicate') return
        const { db, key, value, stamp } = event.route
        context.data.put(db, key, { value, stamp })
        context.log?.append({ op: 'set', db, key, value, stamp })
        enqueue.raise({ type: 'log.appended' })
        answer(context, enqueue, event.from, event.rid, 200, { kept: true })
      }),
    },
  }),
})
