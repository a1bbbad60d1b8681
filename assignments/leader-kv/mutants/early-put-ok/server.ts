// BUG: PUT_OK as soon as one follower acknowledged.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({
  machine: serverMachine.provide({
    guards: { allAcked: ({ context }) => context.current !== null && context.current.acks.length >= 1 },
  }),
})
