// BUG: a malformed request crashes the server instead of getting an ERROR answer.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      refuseMalformed: ({ event }) => {
        throw new Error(`cannot handle ${JSON.stringify(event)}`)
      },
    },
  }),
})
