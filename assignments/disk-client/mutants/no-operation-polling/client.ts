// BUG: a 202 (an operation started) is taken for done: the client reports success while the service is still moving, copying or deleting.
import { defineNode } from 'distlab/node'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({ machine: clientMachine.provide({ guards: { isOperation: () => false } }) })
