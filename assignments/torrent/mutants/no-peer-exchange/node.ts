// BUG: a node knows only the peers its torrent.conf lists: it ignores peer lists and never asks a peer that dialed in.
import { defineNode } from 'distlab/node'
import { createTorrentMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'

export default defineNode({ machine: createTorrentMachine({ ...policy, peerExchange: false }) })
