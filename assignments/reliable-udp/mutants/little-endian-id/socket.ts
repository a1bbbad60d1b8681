// BUG: the packet id is written little-endian (the machine's order), not in network byte order.
import { defineNode, send, type Delivered } from 'distlab/node'
import { HEADER_BYTES, KIND_ACK, KIND_DATA, type Datagram } from 'distlab/protocol/reliable-udp'
import { emit } from 'xstate'
import { socketMachine } from '../../solution/socket.ts'
import { transmissionMachine } from '../../solution/transmission.ts'

function header(kind: number, id: number, length: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + length)
  bytes[0] = kind
  new DataView(bytes.buffer).setUint32(1, id, true)
  return bytes
}

const transmission = transmissionMachine.provide({
  actions: {
    transmit: emit(({ context }) => {
      const payload = context.packet.subarray(HEADER_BYTES)
      const bytes = header(KIND_DATA, context.id, payload.length)
      bytes.set(payload, HEADER_BYTES)
      return send(context.to, { type: 'datagram', data: bytes })
    }),
  },
})

export default defineNode({
  machine: socketMachine.provide({
    actors: { transmission },
    actions: {
      acknowledge: emit(({ event }) => {
        const { from, data } = event as Delivered<Datagram>
        const id = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1, false)
        return send(from, { type: 'datagram', data: header(KIND_ACK, id, 0) })
      }),
    },
  }),
})
