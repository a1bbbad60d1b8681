// BUG: nothing is hashed: whole parts already in data.bin count as valid, received parts are written unchecked.
import { defineNode } from 'distlab/node'
import { createTorrentMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createTorrentMachine({ ...policy, verify: false }) })
