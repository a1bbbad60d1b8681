// BUG: no check of the payload's size: a payload too big for one datagram is sent anyway.
import { defineNode } from 'distlab/node'
import type { SendTo } from 'distlab/protocol/reliable-udp'
import { socketMachine } from '../../solution/socket.ts'

export default defineNode({
  machine: socketMachine.provide({
    guards: { sendable: ({ event }) => event.type === 'sendto' && (event as SendTo).data instanceof Uint8Array },
  }),
})
