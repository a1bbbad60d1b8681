// BUG: the seed's design: one missing key among key1&key2 turns the whole answer into 404.
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { answer, keep } from '../../solution/steps.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      finishRead: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'chain.done') return
        const { origin } = event
        const all = { ...origin.found }
        for (const [key, held] of Object.entries(event.found)) {
          keep(context, enqueue, origin.db, key, held.value, held.stamp)
          all[key] ??= held
        }
        const missing = origin.keys.filter((k) => !(k in all))
        if (origin.kind === 'hop') return answer(context, enqueue, origin.replyTo, origin.rid, 200, { found: all, missing })
        if (missing.length > 0) return answer(context, enqueue, origin.replyTo, origin.rid, 404, { error: `not found: ${missing.join(', ')}` })
        answer(context, enqueue, origin.replyTo, origin.rid, 200, { values: Object.fromEntries(Object.entries(all).map(([k, h]) => [k, h.value])), missing })
      }),
    },
  }),
})
