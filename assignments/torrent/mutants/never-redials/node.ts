// BUG: a peer that did not answer (down, or not there yet) is never dialed again: the node waits
// for it to call back.
import { defineNode } from 'distlab/node'
import { torrentMachine } from '../../solution/node.ts'
import { peerMachine } from '../../solution/peer.ts'

export default defineNode({
  machine: torrentMachine.provide({ actors: { peer: peerMachine.provide({ guards: { mayDial: ({ context }) => context.mayAsk && context.wait === 0 } }) } }),
})
