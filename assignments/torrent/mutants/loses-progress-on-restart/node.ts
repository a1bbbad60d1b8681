// BUG: a restarted node starts over: it empties data.bin instead of checking what it already holds.
import { defineNode } from 'distlab/node'
import { createTorrentMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createTorrentMachine({ ...policy, keepProgress: false }) })
