// The reliable-udp protocol (seed 000 §1): what crosses the network is bare datagrams; what the
// application asks of its socket, and hears back, are events on the node's own machine.
import type { Address } from 'distlab/node'

// ---- the wire: datagrams, byte for byte ---------------------------------------------------------

/** First byte of a data packet. */
export const KIND_DATA = 0
/** First byte of an acknowledgement. */
export const KIND_ACK = 1
/** Kind byte, then the packet id as 4 bytes, big-endian (network byte order). */
export const HEADER_BYTES = 5
/** The largest payload one datagram carries over IPv4 (65,507 − 5). */
export const MAX_PAYLOAD = 65_502

/** A datagram, as the network carries it and as a node receives it (with `from`). */
export interface Datagram {
  type: 'datagram'
  data: Uint8Array
}

// ---- the rules' numbers -------------------------------------------------------------------------

/** `sendto` reports `timeout` this many ms after its first transmission, and no sooner. */
export const SEND_TIMEOUT_MS = 5000
/** …and at the latest this much later (a retransmission tick of the node's choice). */
export const SEND_TIMEOUT_SLACK_MS = 500
/** An unacknowledged packet is sent again at least this often. */
export const MAX_RETRANSMIT_MS = 1000

// ---- the application's side ---------------------------------------------------------------------

/** Send `data` to `to`; answered by `sent` or `timeout` (or `error`). */
export interface SendTo {
  type: 'sendto'
  request: number
  to: Address
  data: Uint8Array
}

/** Receive the next message; answered by `received` when one is there. */
export interface RecvFrom {
  type: 'recvfrom'
  request: number
}

export type AppRequest = SendTo | RecvFrom

/** The acknowledgement of packet `id` arrived. */
export interface Sent {
  type: 'sent'
  request: number
  id: number
}

/** No acknowledgement of packet `id` within SEND_TIMEOUT_MS. */
export interface Timeout {
  type: 'timeout'
  request: number
  id: number
}

/** A message, delivered to the application once, with its sender's address. */
export interface Received {
  type: 'received'
  request: number
  data: Uint8Array
  from: Address
}

/** The request cannot be done: a payload over MAX_PAYLOAD, an address that is not a string. */
export interface RequestError {
  type: 'error'
  request: number
  reason: string
}

export type AppResult = Sent | Timeout | Received | RequestError
