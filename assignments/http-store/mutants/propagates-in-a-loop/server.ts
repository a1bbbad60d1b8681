// BUG: no is_endpoint: a server that takes a propagated write it did not have propagates it again
// to every member, so each write crosses the cluster once per member instead of once.
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { answer, call, keep, say } from '../../solution/steps.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      storeReplica: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'req.replicate') return
        const { db, key, value, stamp } = event.route
        const kept = keep(context, enqueue, db, key, value, stamp)
        answer(context, enqueue, event.from, event.rid, 200, { kept })
        if (!kept) return
        let rid = context.nextRid
        for (const to of Object.keys(context.members)) say(context, enqueue, call(enqueue, rid++, to, 'POST', '/internal/replicate', context.token, event.route, { kind: 'announce', to, at: Date.now() })) // its answer is only forgotten
      }),
    },
  }),
})
