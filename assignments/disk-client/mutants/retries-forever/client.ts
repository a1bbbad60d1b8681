// BUG: no bound on retries: a service that always fails keeps the client trying forever.
import { defineNode } from 'distlab/node'
import { callMachine } from '../../solution/apiCall.ts'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({ machine: clientMachine.provide({ actors: { call: callMachine.provide({ guards: { triesLeft: () => true } }) } }) })
