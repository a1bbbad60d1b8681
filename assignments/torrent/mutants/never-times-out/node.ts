// BUG: a part asked of a peer that stops sending is waited for forever: no timeout asks someone else.
import { defineNode } from 'distlab/node'
import { downloadMachine } from '../../solution/download.ts'
import { torrentMachine } from '../../solution/node.ts'

export default defineNode({
  machine: torrentMachine.provide({ actors: { download: downloadMachine.provide({ guards: { stalled: () => false } }) } }),
})
