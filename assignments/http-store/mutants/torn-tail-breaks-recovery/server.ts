// BUG: recovery reads every line of the log as a record: a torn last record (a crash in the middle
// of a write) makes it throw, and the server cannot start again.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { enqueueActions } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

const { recover } = serverMachine.implementations.actions

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      recover: enqueueActions(({ context, enqueue }) => {
        let text = ''
        try {
          text = readFileSync(join(context.dataDir, 'store.log'), 'utf8')
        } catch {
          // no log yet
        }
        for (const line of text.split('\n')) if (line !== '') JSON.parse(line.slice(9))
        if (recover) enqueue(recover as Parameters<typeof enqueue>[0])
      }),
    },
  }),
})
