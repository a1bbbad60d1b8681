// BUG: a part asked of a peer is awaited until that peer answers or says goodbye: no timeout asks
// someone else, and there is no endgame. A peer that dies with the part in its queue is silent,
// so the part is never asked again and the node never completes.
import { assign } from 'xstate'
import { defineNode } from 'distlab/node'
import { downloadMachine } from '../../solution/download.ts'
import { openDataFile, torrentMachine } from '../../solution/node.ts'

export default defineNode({
  machine: torrentMachine.provide({
    actors: { download: downloadMachine.provide({ guards: { stalled: () => false } }) },
    actions: {
      // Parts are asked of one peer at a time: never a second peer for a part already asked.
      openFile: assign(({ context }) => {
        const opened = openDataFile(context)
        const { book } = opened
        const pick = book.pick.bind(book)
        book.pick = (...args) => pick(...args).filter((part) => book.active[part] === 0)
        return opened
      }),
    },
  }),
})
