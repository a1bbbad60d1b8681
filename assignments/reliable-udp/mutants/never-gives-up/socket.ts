// BUG: sendto retransmits forever: it never reports timeout.
import { defineNode } from 'distlab/node'
import { socketMachine } from '../../solution/socket.ts'
import { transmissionMachine } from '../../solution/transmission.ts'

export default defineNode({
  machine: socketMachine.provide({
    actors: { transmission: transmissionMachine.provide({ delays: { giveUp: 365 * 24 * 3600 * 1000 } }) },
  }),
})
