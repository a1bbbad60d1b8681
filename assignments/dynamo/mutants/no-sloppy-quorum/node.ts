// BUG: no node stands in for an unreachable replica: a quorum the real replicas cannot make fails.
import { defineNode } from 'distlab/node'
import { createNodeMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createNodeMachine({ ...policy, standIns: () => [] }) })
