// The reference's protocol between torrent nodes. Messages ride the runtime's reliable, ordered
// links (FIFO, no loss in the grader's network); a "connection" is the pair's handshake state,
// renewed whenever either side restarts (a new `boot`).
import type { FileInfo } from 'distlab/protocol/torrent'

/** Opens (or reopens) a connection; also the probe sent to every address of the /24. */
export interface Hello {
  type: 'HELLO'
  /** Random per incarnation: a new value means the sender restarted and forgot everything. */
  boot: number
  /** Addresses the sender knows (peer exchange). */
  peers: string[]
  hasInfo: boolean
  complete: boolean
}

/** The answer to HELLO, with the same fields. */
export interface Welcome extends Omit<Hello, 'type'> {
  type: 'WELCOME'
}

/** Which parts the sender holds: one byte per part, 1 = verified. Sent after the handshake. */
export interface Bitfield {
  type: 'BITFIELD'
  have: Uint8Array
  complete: boolean
}

/** Parts verified since the last HAVE (batched every tick). */
export interface Have {
  type: 'HAVE'
  parts: number[]
  complete: boolean
}

/** Addresses the sender just learned (peer exchange, flooded once per new address). */
export interface Peers {
  type: 'PEERS'
  peers: string[]
}

export interface GetInfo {
  type: 'GET_INFO'
}

export interface Info {
  type: 'INFO'
  info: FileInfo
}

/** Asks for whole parts; each comes back as PIECE blocks of at most BLOCK_SIZE bytes. */
export interface Request {
  type: 'REQUEST'
  parts: number[]
}

export interface Piece {
  type: 'PIECE'
  part: number
  /** Offset of `data` within the part. */
  offset: number
  data: Uint8Array
}

/** The sender does not hold `part` (any more): ask someone else. */
export interface NoPiece {
  type: 'NO_PIECE'
  part: number
}

/** Both sides are complete: the connection closes until either side says HELLO again. */
export interface Bye {
  type: 'BYE'
}

export type WireMessage = Hello | Welcome | Bitfield | Have | Peers | GetInfo | Info | Request | Piece | NoPiece | Bye

/**
 * 256 KiB, not BitTorrent's 16 KiB: every message is an event through the node's statechart, and
 * an event costs the chart more than the bytes it carries cost the node. Measured on the 256 MiB
 * sync (bench sync, 2 cores): 64 KiB blocks took 1.2–1.4× the wall time of the old class-based
 * node, 256 KiB blocks 0.95–1.15×. The simulated links cost the same per byte either way, and a
 * block still comes well within the part's time-out on the slowest link the grader draws.
 */
export const BLOCK_SIZE = 256 * 1024
