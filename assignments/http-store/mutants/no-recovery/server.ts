// BUG: the log is written but never read back: a restarted server starts empty.
import { assign } from 'xstate'
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'
import { StoreLog } from '../../solution/storeLog.ts'

export default defineNode({
  machine: serverMachine.provide({ actions: { recover: assign({ log: ({ context }) => StoreLog.open(context.dataDir).log }) } }),
})
