// BUG: a restarted node takes its saved list of written parts as valid without hashing them again;
// a crash that tore the last write leaves a listed part that is wrong on disk, and never fixed.
import { defineNode } from 'distlab/node'
import { createTorrentMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createTorrentMachine({ ...policy, trustSavedParts: true }) })
