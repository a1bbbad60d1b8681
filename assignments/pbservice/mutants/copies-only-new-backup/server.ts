// BUG: the master copies its data only to a backup that was not already its backup; when the same
// server comes back as backup in a new view (it restarted, empty), the view is acknowledged with
// no copy.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

const field = (event: object, name: string): unknown => (event as Record<string, unknown>)[name]

export default defineNode({
  machine: serverMachine.provide({
    guards: {
      needsCopy: ({ context, event }) => field(event, 'master') === context.me && field(event, 'backup') !== null && field(event, 'backup') !== context.view.backup,
    },
  }),
})
