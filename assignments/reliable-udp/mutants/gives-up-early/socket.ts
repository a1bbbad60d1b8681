// BUG: sendto gives up after one second instead of five.
import { defineNode } from 'distlab/node'
import { socketMachine } from '../../solution/socket.ts'
import { transmissionMachine } from '../../solution/transmission.ts'

export default defineNode({
  machine: socketMachine.provide({
    actors: { transmission: transmissionMachine.provide({ delays: { giveUp: 1000 } }) },
  }),
})
