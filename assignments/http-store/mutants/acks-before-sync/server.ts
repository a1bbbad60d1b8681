// BUG: a set is acknowledged as soon as it is appended, before the log is synced: a crash right
// after the acknowledgement can lose it.
import { enqueueActions } from 'xstate'
import { defineNode, jsonResponse, send } from 'distlab/node'
import type { ReplicateBody } from 'distlab/protocol/http-store'
import { serverMachine } from '../../solution/server.ts'
import { call, keep, say, slotOf } from '../../solution/steps.ts'
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
        const body: ReplicateBody = { db, key, value, stamp }
        const slot = slotOf(db, key)
        let rid = context.nextRid
        const outbox = { ...context.outbox }
        for (const [to, member] of Object.entries(context.members)) {
          outbox[to] = { ...outbox[to], [slot]: body }
          if (member.up) say(context, enqueue, call(enqueue, rid++, to, 'POST', '/internal/replicate', context.token, body, { kind: 'replicate', to, at: Date.now(), slot, stamp }))
        }
        enqueue.assign({ outbox })
      }),
    },
  }),
})
