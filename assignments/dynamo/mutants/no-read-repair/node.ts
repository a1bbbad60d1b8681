// BUG: a read never brings the stale replicas it saw up to date.
import { defineNode } from 'distlab/node'
import { nodeMachine } from '../../solution/node.ts'
import { readMachine } from '../../solution/read.ts'

export default defineNode({ machine: nodeMachine.provide({ actors: { read: readMachine.provide({ actions: { repair: () => {} } }) } }) })
