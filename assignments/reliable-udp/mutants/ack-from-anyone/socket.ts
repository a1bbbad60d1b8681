// BUG: an ACK with the right id completes sendto whoever sent it.
import { defineNode, type Delivered } from 'distlab/node'
import type { Datagram } from 'distlab/protocol/reliable-udp'
import { socketMachine } from '../../solution/socket.ts'

export default defineNode({
  machine: socketMachine.provide({
    guards: {
      acksPacketInFlight: ({ context, event }) => {
        const { data } = event as Delivered<Datagram>
        return data instanceof Uint8Array && data.length === 5 && data[0] === 1 && context.outgoing.has(new DataView(data.buffer, data.byteOffset, 5).getUint32(1, false))
      },
    },
  }),
})
