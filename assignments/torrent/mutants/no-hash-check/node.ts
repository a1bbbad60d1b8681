// BUG: nothing is hashed: whole parts already in data.bin count as valid, received parts are written unchecked.
import { defineNode } from 'distlab/node'
import { downloadMachine } from '../../solution/download.ts'
import { torrentMachine } from '../../solution/node.ts'
import type { PartBook } from '../../solution/parts.ts'
import type { Scan } from '../../solution/scan.ts'
import type { DataFile } from '../../solution/storage.ts'

export default defineNode({
  machine: torrentMachine.provide({
    actions: {
      // Instead of hashing data.bin: every whole part it holds is taken as right.
      hashNextChunks: ({ context }) => {
        const book = context.book as PartBook
        const file = context.file as DataFile
        const whole = Math.min(Math.floor(file.found / book.info.PartSize), book.count)
        for (let part = 0; part < whole; part++) book.gain(part, false)
        if (file.found >= book.info.Size) for (let part = whole; part < book.count; part++) book.gain(part, false)
        ;(context.scan as Scan).next = (context.scan as Scan).end
      },
    },
    actors: { download: downloadMachine.provide({ guards: { digestMatches: () => true } }) },
  }),
})
