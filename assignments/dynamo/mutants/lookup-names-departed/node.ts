// BUG: the ring keeps nodes that left: LOOKUP (and placement) still names them.
import { defineNode } from 'distlab/node'
import { createNodeMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createNodeMachine({ ...policy, ringMembers: (joined) => [...joined].sort() }) })
