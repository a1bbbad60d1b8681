// BUG: no memory of packets already received: a retransmitted or duplicated DATA is delivered again.
import { defineNode } from 'distlab/node'
import { socketMachine } from '../../solution/socket.ts'

export default defineNode({
  machine: socketMachine.provide({ guards: { isDuplicate: () => false } }),
})
