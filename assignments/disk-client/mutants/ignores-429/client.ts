// BUG: 429 and 5xx are answers like any other: the client gives up on the first "later".
import { defineNode } from 'distlab/node'
import { callMachine } from '../../solution/apiCall.ts'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({ machine: clientMachine.provide({ actors: { call: callMachine.provide({ guards: { saysLater: () => false } }) } }) })
