// BUG: the header is read before the length is checked: a datagram shorter than 5 bytes throws.
import { defineNode, type Delivered } from 'distlab/node'
import type { Datagram } from 'distlab/protocol/reliable-udp'
import { socketMachine } from '../../solution/socket.ts'
import { parsePacket } from '../../solution/packet.ts'

export default defineNode({
  machine: socketMachine.provide({
    guards: {
      isData: ({ event }) => {
        const { data } = event as Delivered<Datagram>
        new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1, false)
        return parsePacket(data)?.kind === 'data'
      },
    },
  }),
})
