// BUG: a read never brings the stale replicas it saw up to date.
import { defineNode } from 'distlab/node'
import { createNodeMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createNodeMachine({ ...policy, readRepair: false }) })
