// BUG: a read answers only one of the concurrent versions it found (the first in canonical order);
// the siblings are still stored, but a client never sees them to merge them.
import { defineNode } from 'distlab/node'
import { createNodeMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'
import { reconcile, type Version } from '../../solution/versions.ts'

const firstOnly = (key: string, versions: Version[]): Version[] => reconcile(key, versions).slice(0, 1)

export default defineNode({ machine: createNodeMachine({ ...policy, answer: firstOnly }) })
