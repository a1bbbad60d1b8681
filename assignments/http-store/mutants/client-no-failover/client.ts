// BUG: the client asks only the first server it knows; when that one does not answer, it gives up.
import { defineNode } from 'distlab/node'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({ machine: clientMachine.provide({ guards: { moreServers: () => false } }) })
