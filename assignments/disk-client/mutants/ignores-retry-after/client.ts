// BUG: Retry-After is ignored: the client retries on its own short back-off, sooner than the service asked.
import { assign } from 'xstate'
import { defineNode } from 'distlab/node'
import { RETRY } from 'distlab/protocol/disk-client'
import { callMachine } from '../../solution/apiCall.ts'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({
  machine: clientMachine.provide({
    actors: { call: callMachine.provide({ actions: { noteFailure: assign({ last: 'a failed try', waitMs: ({ context }) => Math.min(RETRY.backoffMs * 2 ** context.attempt, RETRY.maxBackoffMs) }) } }) },
  }),
})
