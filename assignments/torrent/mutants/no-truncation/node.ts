// BUG: a data.bin longer than Size keeps its tail: files are extended, never cut.
import { assign } from 'xstate'
import { defineNode } from 'distlab/node'
import { openDataFile, torrentMachine } from '../../solution/node.ts'

export default defineNode({
  machine: torrentMachine.provide({ actions: { openFile: assign(({ context }) => openDataFile(context, { truncate: false })) } }),
})
