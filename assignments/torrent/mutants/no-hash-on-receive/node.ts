// BUG: a received part is written and announced as soon as its bytes are in, without checking its
// SHA-1 (the node's own file is still checked at start).
import { defineNode } from 'distlab/node'
import { downloadMachine } from '../../solution/download.ts'
import { torrentMachine } from '../../solution/node.ts'

export default defineNode({
  machine: torrentMachine.provide({ actors: { download: downloadMachine.provide({ guards: { digestMatches: () => true } }) } }),
})
