// A reliable socket: a starting point that type-checks and loads, and refuses every sendto. spec.md
// says what it must do; its "Patterns you will need" shows how. Its application's requests
// (sendto, recvfrom) are events; its answers go back with toApp; datagrams travel with send.
import { emit, setup } from 'xstate'
import { defineNode, toApp, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import type { AppResult, Datagram, RecvFrom, SendTo } from 'distlab/protocol/reliable-udp'

interface Context {
  nextId: number
}

type Event = SendTo | RecvFrom | Delivered<Datagram>

/** `toApp` narrowed to this protocol's results, so a misspelled field is a type error. */
const answer = (result: AppResult) => toApp(result)

export const socketMachine = setup({
  types: { input: {} as NodeInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: DATA with a packet id, retransmission on a timer, ACKs, delivery once.
    refuseSend: emit(({ event }) => answer({ type: 'error', request: event.type === 'sendto' ? event.request : -1, reason: 'sendto is not implemented yet' })),
  },
}).createMachine({
  id: 'socket',
  context: { nextId: 0 },
  initial: 'open',
  states: {
    open: {
      on: { sendto: { actions: 'refuseSend' } },
    },
  },
})

export default defineNode({ machine: socketMachine, title: 'reliable socket' })
