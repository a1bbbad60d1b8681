// The reliable socket (reference). The application hands it `sendto` and `recvfrom`; the network
// hands it datagrams. Two regions:
//
// - receiver: idle ⇄ waiting (a recvfrom the application is still waiting on); each new message
//   goes to the oldest waiting recvfrom, or into the buffer until one comes.
// - (every state) a datagram is a DATA packet (acknowledged, always; handed to the application
//   once per sender and id), an ACK of a packet in flight to its sender (routed to that packet's
//   transmission), or anything else (ignored).
//
// Each sendto spawns a `transmission` (transmission.ts) that retransmits until acknowledged or
// until it gives up; the socket turns its report into `sent` or `timeout` for the application.
import { and, assign, emit, enqueueActions, not, setup } from 'xstate'
import { defineNode, send, toApp, type Address, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import { MAX_PAYLOAD, SEND_TIMEOUT_MS, type AppResult, type Datagram, type RecvFrom, type SendTo } from 'distlab/protocol/reliable-udp'
import { ackPacket, dataPacket, parsePacket } from './packet.ts'
import { transmissionMachine, type TransmissionReport } from './transmission.ts'

/** Messages kept for the application before it asks; beyond, DATA is not acknowledged (the sender retries). */
const RECEIVE_BUFFER = 1024
/** How long a (sender, id) is remembered to drop duplicates: longer than any sender retries. */
const REMEMBER_MS = 4 * SEND_TIMEOUT_MS

interface Message {
  data: Uint8Array
  from: Address
}

interface Context {
  nextId: number
  /** Packets in flight, by id: who they went to (only that address may acknowledge them). */
  outgoing: Map<number, Address>
  buffer: Message[]
  /** recvfrom requests the application is waiting on, oldest first. */
  waiting: number[]
  /** `sender id` → when first received: duplicates are acknowledged but not delivered again. */
  seen: Map<string, number>
}

type Event = Delivered<Datagram> | SendTo | RecvFrom | TransmissionReport

const transmissionId = (id: number): string => `packet ${id}`
const seenKey = (from: Address, id: number): string => `${from} ${id}`
const result = (r: AppResult): NodeEffect => toApp(r)

export const socketMachine = setup({
  types: { input: {} as NodeInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actors: { transmission: transmissionMachine },
  guards: {
    isData: ({ event }) => event.type === 'datagram' && parsePacket(event.data)?.kind === 'data',
    isDuplicate: ({ context, event }) => event.type === 'datagram' && context.seen.has(seenKey(event.from, (parsePacket(event.data) as { id: number }).id)),
    bufferFull: ({ context }) => context.buffer.length >= RECEIVE_BUFFER,
    acksPacketInFlight: ({ context, event }) => {
      if (event.type !== 'datagram') return false
      const packet = parsePacket(event.data)
      return packet?.kind === 'ack' && context.outgoing.get(packet.id) === event.from
    },
    sendable: ({ event }) => event.type === 'sendto' && typeof event.to === 'string' && event.data instanceof Uint8Array && event.data.length <= MAX_PAYLOAD,
    hasBuffered: ({ context }) => context.buffer.length > 0,
    nobodyWaiting: ({ context }) => context.waiting.length === 0,
  },
  actions: {
    acknowledge: emit(({ event }) => {
      const { from, data } = event as Delivered<Datagram>
      return send(from, { type: 'datagram', data: ackPacket((parsePacket(data) as { id: number }).id) })
    }),
    /** A new message: remembered (to drop its duplicates), then to a waiting recvfrom or the buffer. */
    accept: enqueueActions(({ context, event, enqueue }) => {
      const { from, data } = event as Delivered<Datagram>
      const packet = parsePacket(data) as { id: number; payload: Uint8Array }
      forgetOld(context.seen)
      context.seen.set(seenKey(from, packet.id), Date.now())
      const request = context.waiting.shift()
      if (request === undefined) context.buffer.push({ data: packet.payload, from })
      else enqueue.emit(result({ type: 'received', request, data: packet.payload, from }))
    }),
    routeAck: enqueueActions(({ event, enqueue }) => {
      const packet = parsePacket((event as Delivered<Datagram>).data) as { id: number }
      enqueue.sendTo(transmissionId(packet.id), { type: 'packet.acked' })
    }),
    startTransmission: enqueueActions(({ context, event, enqueue }) => {
      const { to, data, request } = event as SendTo
      const id = context.nextId
      context.nextId = (id + 1) >>> 0
      context.outgoing.set(id, to)
      enqueue.spawnChild('transmission', { id: transmissionId(id), input: { id, to, packet: dataPacket(id, data), request } })
    }),
    rejectSend: emit(({ event }) => {
      const { request, data } = event as SendTo
      const reason = data instanceof Uint8Array ? `a payload of ${data.length} bytes is over the limit of ${MAX_PAYLOAD}` : 'sendto needs data (a Uint8Array) and an address'
      return result({ type: 'error', request, reason })
    }),
    deliverBuffered: emit(({ context, event }) => {
      const message = context.buffer.shift() as Message
      return result({ type: 'received', request: (event as RecvFrom).request, data: message.data, from: message.from })
    }),
    awaitMessage: ({ context, event }) => {
      context.waiting.push((event as RecvFrom).request)
    },
    ignore: () => {},
    /** A transmission ended: the application hears how, and the packet is no longer in flight. */
    reportSend: enqueueActions(({ context, event, enqueue }) => {
      const { id, request, type } = event as TransmissionReport
      context.outgoing.delete(id)
      enqueue.stopChild(transmissionId(id))
      enqueue.emit(result(type === 'transmission.acknowledged' ? { type: 'sent', request, id } : { type: 'timeout', request, id }))
    }),
  },
}).createMachine({
  id: 'socket',
  context: () => ({ nextId: Math.floor(Math.random() * 2 ** 32) >>> 0, outgoing: new Map(), buffer: [], waiting: [], seen: new Map() }),
  type: 'parallel',
  states: {
    receiver: {
      initial: 'idle',
      states: {
        idle: {
          on: { recvfrom: [{ guard: 'hasBuffered', actions: 'deliverBuffered' }, { target: 'waiting', actions: 'awaitMessage' }] },
        },
        waiting: {
          on: { recvfrom: { actions: 'awaitMessage' } },
          always: { guard: 'nobodyWaiting', target: 'idle' },
        },
      },
    },
  },
  on: {
    datagram: [
      { guard: 'acksPacketInFlight', actions: 'routeAck' },
      { guard: and(['isData', 'isDuplicate']), actions: 'acknowledge' },
      { guard: and(['isData', not('bufferFull')]), actions: ['acknowledge', 'accept'] },
      // Anything else (malformed, an ack of nothing in flight, data with no room): taken, and ignored.
      { actions: 'ignore' },
    ],
    sendto: [{ guard: 'sendable', actions: 'startTransmission' }, { actions: 'rejectSend' }],
    'transmission.acknowledged': { actions: 'reportSend' },
    'transmission.timedOut': { actions: 'reportSend' },
  },
})

/** Drops (sender, id) pairs older than REMEMBER_MS. */
function forgetOld(seen: Map<string, number>): void {
  const now = Date.now()
  for (const [key, at] of seen) {
    if (now - at < REMEMBER_MS) break
    seen.delete(key)
  }
}

export default defineNode({ machine: socketMachine, title: 'reliable socket' })
