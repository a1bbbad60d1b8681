// BUG: duplicates are recognised by the packet id alone, whoever sent it.
import { defineNode, type Delivered } from 'distlab/node'
import type { Datagram } from 'distlab/protocol/reliable-udp'
import { socketMachine } from '../../solution/socket.ts'

const idOf = (data: Uint8Array): number => new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1, false)

export default defineNode({
  machine: socketMachine.provide({
    guards: {
      isDuplicate: ({ context, event }) => {
        const id = idOf((event as Delivered<Datagram>).data)
        return [...context.seen.keys()].some((key) => key.endsWith(` ${id}`))
      },
    },
  }),
})
