// BUG: a node knows only the peers its torrent.conf lists: it never learns addresses from other
// peers, and never asks a peer that dialed in.
import { defineNode } from 'distlab/node'
import { torrentMachine } from '../../solution/node.ts'

export default defineNode({ machine: torrentMachine.provide({ guards: { exchangesPeers: () => false } }) })
