// BUG: a data.bin longer than Size keeps its tail (padding, garbage): the file is extended when short, never cut.
import { defineNode } from 'distlab/node'
import { createTorrentMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createTorrentMachine({ ...policy, truncate: false }) })
