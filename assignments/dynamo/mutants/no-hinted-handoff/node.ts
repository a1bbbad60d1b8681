// BUG: a stand-in keeps the copies it took for an unreachable replica; they never reach it.
import { defineNode } from 'distlab/node'
import { createNodeMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createNodeMachine({ ...policy, handoff: false }) })
