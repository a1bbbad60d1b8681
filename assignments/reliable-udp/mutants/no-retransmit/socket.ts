// BUG: the packet is sent once; sendto then only waits for the ack or the timeout.
import { defineNode } from 'distlab/node'
import { socketMachine } from '../../solution/socket.ts'
import { transmissionMachine } from '../../solution/transmission.ts'

export default defineNode({
  machine: socketMachine.provide({
    actors: { transmission: transmissionMachine.provide({ delays: { backoff: 24 * 3600 * 1000 } }) },
  }),
})
