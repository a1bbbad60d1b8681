// BUG: a set is acknowledged as soon as it is appended, before the log is synced: a crash right
// after the acknowledgement can lose it.
import { enqueueActions } from 'xstate'
import { defineNode, jsonResponse, send } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { keep, propagate } from '../../solution/steps.ts'
import { tick } from '../../solution/stamps.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      storeWrite: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'req.set') return
        const { db, key, value } = event.route
        const stamp = tick(context.clock, Date.now(), context.address)
        keep(context, enqueue, db, key, value, stamp)
        enqueue.emit(send(event.from, jsonResponse({ rid: event.rid }, 201, { db, key })))
        propagate(context, enqueue, { db, key, value, stamp })
      }),
    },
  }),
})
