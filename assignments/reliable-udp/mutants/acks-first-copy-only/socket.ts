// BUG: a DATA already received is dropped without an ACK; if the first ACK was lost, the sender
// retransmits into silence until it gives up.
import { defineNode, send, type Delivered } from 'distlab/node'
import type { Datagram } from 'distlab/protocol/reliable-udp'
import { enqueueActions } from 'xstate'
import { socketMachine } from '../../solution/socket.ts'
import { ackPacket } from '../../solution/packet.ts'

const idOf = (data: Uint8Array): number => new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1, false)

export default defineNode({
  machine: socketMachine.provide({
    actions: {
      acknowledge: enqueueActions(({ context, event, enqueue }) => {
        const { from, data } = event as Delivered<Datagram>
        const id = idOf(data)
        if (context.seen.has(`${from} ${id}`)) return
        enqueue.emit(send(from, { type: 'datagram', data: ackPacket(id) }))
      }),
    },
  }),
})
