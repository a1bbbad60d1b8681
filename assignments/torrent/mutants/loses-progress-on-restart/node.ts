// BUG: a restarted node starts over: it empties data.bin instead of checking what it already holds.
import { existsSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assign } from 'xstate'
import { defineNode } from 'distlab/node'
import { DATA_FILE } from 'distlab/protocol/torrent'
import { openDataFile, torrentMachine } from '../../solution/node.ts'

const STARTED = 'started'

export default defineNode({
  machine: torrentMachine.provide({
    actions: {
      openFile: assign(({ context }) => {
        const data = join(context.dir, DATA_FILE)
        if (existsSync(join(context.dir, STARTED)) && existsSync(data)) truncateSync(data, 0)
        writeFileSync(join(context.dir, STARTED), '')
        return openDataFile(context)
      }),
    },
  }),
})
