// BUG: a new view is acknowledged at once, without copying the data to the new backup.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({ machine: serverMachine.provide({ guards: { needsCopy: () => false } }) })
