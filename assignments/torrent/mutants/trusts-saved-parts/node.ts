// BUG: the node saves the list of parts it has written and, after a restart, takes them as valid
// without hashing them again. A kill that tears a write leaves a part the list vouches for wrong.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assign } from 'xstate'
import { defineNode } from 'distlab/node'
import { readJson } from '../../solution/memory.ts'
import { openDataFile, torrentMachine } from '../../solution/node.ts'
import type { PartBook } from '../../solution/parts.ts'
import type { DataFile } from '../../solution/storage.ts'

const SAVED = 'parts.json'

export default defineNode({
  machine: torrentMachine.provide({
    actions: {
      openFile: assign(({ context }) => {
        const opened = openDataFile(context)
        const saved = readJson(join(context.dir, SAVED))
        for (const part of Array.isArray(saved) ? saved : []) if (opened.book.isPart(part)) opened.book.gain(part, false)
        return opened
      }),
      writePart: ({ context, event }) => {
        const { part, data } = event as { part: number; data: Uint8Array }
        const book = context.book as PartBook
        if (book.have[part]) return
        ;(context.file as DataFile).write(part * book.info.PartSize, data)
        book.gain(part, true)
        writeFileSync(join(context.dir, SAVED), JSON.stringify([...book.have.keys()].filter((i) => book.have[i])))
      },
    },
  }),
})
