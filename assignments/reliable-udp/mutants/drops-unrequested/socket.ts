// BUG: a message that arrives while the application is not waiting in recvfrom is acknowledged and lost.
import { defineNode, toApp, type Delivered } from 'distlab/node'
import type { Datagram } from 'distlab/protocol/reliable-udp'
import { enqueueActions } from 'xstate'
import { socketMachine } from '../../solution/socket.ts'
import { parsePacket } from '../../solution/packet.ts'

export default defineNode({
  machine: socketMachine.provide({
    actions: {
      accept: enqueueActions(({ context, event, enqueue }) => {
        const { from, data } = event as Delivered<Datagram>
        const packet = parsePacket(data) as { id: number; payload: Uint8Array }
        context.seen.set(`${from} ${packet.id}`, Date.now())
        const request = context.waiting.shift()
        if (request !== undefined) enqueue.emit(toApp({ type: 'received', request, data: packet.payload, from }))
      }),
    },
  }),
})
