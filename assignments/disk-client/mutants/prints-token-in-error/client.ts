// BUG: a refused token is shown in the error line, to help the user see which one was sent.
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { EXIT } from 'distlab/protocol/disk-client'
import { clientMachine } from '../../solution/client.ts'

const { reportError } = clientMachine.implementations.actions
export default defineNode({
  machine: clientMachine.provide({
    actions: {
      reportError: enqueueActions(({ context, event, enqueue }) => {
        const status = (event as { output?: { response?: { status: number } } }).output?.response?.status
        if (status === 401) enqueue.assign({ result: { line: `not authorised: the service refused token ${context.token}`, code: EXIT.unauthorised } })
        else if (reportError) enqueue(reportError as Parameters<typeof enqueue>[0])
      }),
    },
  }),
})
