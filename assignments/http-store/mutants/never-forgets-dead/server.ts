// BUG: a member that stops answering is never taken off the member list.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({ machine: serverMachine.provide({ actions: { dropSilent: () => {} } }) })
