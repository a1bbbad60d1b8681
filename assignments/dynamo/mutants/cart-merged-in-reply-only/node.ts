// BUG: concurrent carts are merged when a read answers, but storage and replication keep them apart.
import { defineNode } from 'distlab/node'
import { createNodeMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'
import { reconcile } from '../../solution/versions.ts'

// Reconciling under a key that is no cart keeps concurrent versions apart.
export default defineNode({ machine: createNodeMachine({ ...policy, keep: (_key, versions) => reconcile('', versions) }) })
