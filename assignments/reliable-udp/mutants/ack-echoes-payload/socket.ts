// BUG: the ACK sends the whole DATA datagram back with its first byte set to 1.
import { defineNode, send, type Delivered } from 'distlab/node'
import type { Datagram } from 'distlab/protocol/reliable-udp'
import { emit } from 'xstate'
import { socketMachine } from '../../solution/socket.ts'

export default defineNode({
  machine: socketMachine.provide({
    actions: {
      acknowledge: emit(({ event }) => {
        const { from, data } = event as Delivered<Datagram>
        const echo = data.slice()
        echo[0] = 1
        return send(from, { type: 'datagram', data: echo })
      }),
    },
  }),
})
