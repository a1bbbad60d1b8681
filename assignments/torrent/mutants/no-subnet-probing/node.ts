// BUG: a node told no peers waits to be found: it never probes its /24.
import { defineNode } from 'distlab/node'
import { createTorrentMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createTorrentMachine({ ...policy, probe: false }) })
