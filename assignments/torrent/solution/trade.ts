// Trading parts, as plain functions over the node's bulk state: what each peer holds, which parts
// to ask of whom (and how much may be in flight), and serving a peer's request from data.bin.
// The machines in node.ts, peer.ts and download.ts decide when; these functions decide what.
import { send, type NodeEffect } from 'distlab/node'
import type { DownloadInput } from './download.ts'
import type { PartBook } from './parts.ts'
import type { DataFile } from './storage.ts'
import { BLOCK_SIZE } from './wire.ts'

/** Bytes and parts asked of one peer and not yet received: its pipeline. */
const PIPELINE_BYTES = 512 << 10
const PIPELINE_PARTS = 32
/** Bytes asked of everyone and not yet received. */
const NODE_IN_FLIGHT_BYTES = 4 << 20
/** Parts per REQUEST message. */
const REQUEST_PARTS = 16

/** What the node knows of a peer's side of the trade (its connection is its peer machine's). */
export interface Remote {
  connected: boolean
  /** Whether the node asks it for parts (see PeerInput.mayAsk). */
  mayAsk: boolean
  hasInfo: boolean
  complete: boolean
  /** Its bitfield, once sent; counted in the book's availability when it fits our FileInfo. */
  have: Uint8Array | null
  counted: boolean
  askedParts: number
  askedBytes: number
}

/** A part asked of a peer: its bytes as they arrive (its download machine decides what follows). */
export interface Asked {
  part: number
  peer: string
  length: number
  /** The part's buffer, filled in place block by block (a part may be MiBs). */
  data: Uint8Array | null
  got: number
  /** Virtual time of the last block, or of the request. */
  since: number
  /** Every byte arrived: it no longer counts in the pipeline. */
  received: boolean
}

/**
 * A block of an asked part: copied in place. 'bad' if it does not fit the part, 'arrived' if it
 * completes it, else 'more'.
 */
export function takeBlock(asked: Asked, offset: unknown, data: unknown): 'bad' | 'more' | 'arrived' {
  if (!(data instanceof Uint8Array) || !Number.isInteger(offset) || (offset as number) < 0 || (offset as number) + data.length > asked.length) return 'bad'
  asked.data ??= new Uint8Array(asked.length)
  asked.data.set(data, offset as number)
  asked.got += data.length
  asked.since = Date.now()
  return asked.got >= asked.length ? 'arrived' : 'more'
}

export interface Trade {
  book: PartBook | null
  remotes: Map<string, Remote>
  asked: Map<string, Asked>
  inFlight: { bytes: number }
}

export function newRemote(mayAsk: boolean): Remote {
  return { connected: false, mayAsk, hasInfo: false, complete: false, have: null, counted: false, askedParts: 0, askedBytes: 0 }
}

/** Counts a peer's bitfield in the availability, once, if it fits the file. */
export function count(book: PartBook, remote: Remote): void {
  if (remote.counted || !remote.have || remote.have.length !== book.count) return
  book.countBitfield(remote.have, 1)
  remote.counted = true
}

export function uncount(book: PartBook | null, remote: Remote): void {
  if (!book || !remote.counted || !remote.have) return
  book.countBitfield(remote.have, -1)
  remote.counted = false
}

/** A peer says it holds more parts. */
export function addParts(book: PartBook | null, remote: Remote, parts: unknown[]): void {
  if (!book || !remote.have || !remote.counted) return
  for (const part of parts) {
    if (book.isPart(part) && !remote.have[part]) {
      remote.have[part] = 1
      ;(book.avail[part] as number)++
    }
  }
}

/** A peer says it no longer holds a part. */
export function removePart(book: PartBook | null, remote: Remote, part: number): void {
  if (!book || !remote.counted || !remote.have?.[part]) return
  remote.have[part] = 0
  ;(book.avail[part] as number)--
}

/**
 * The parts to ask of `peer` now, recorded as asked (the caller spawns their downloads with the
 * returned inputs and sends the REQUESTs). Its pipeline is refilled in bulk: only once half empty.
 */
export function choose(trade: Trade, peer: string, key: (part: number, peer: string) => string): { downloads: DownloadInput[]; requests: NodeEffect[] } {
  const now = Date.now()
  const none = { downloads: [], requests: [] }
  const { book } = trade
  const remote = trade.remotes.get(peer)
  if (!book || !remote || !remote.connected || !remote.mayAsk || !remote.counted) return none
  const room = Math.min(PIPELINE_BYTES - remote.askedBytes, NODE_IN_FLIGHT_BYTES - trade.inFlight.bytes)
  const slots = PIPELINE_PARTS - remote.askedParts
  if (remote.askedParts > 0 && (room < PIPELINE_BYTES / 2 || slots < PIPELINE_PARTS / 2)) return none
  if (room <= 0 || slots <= 0) return none
  const chosen = book.pick(remote.have as Uint8Array, (part) => trade.asked.has(key(part, peer)), slots, room)
  const downloads = chosen.map((part): DownloadInput => {
    const length = book.length(part)
    const asked: Asked = { part, peer, length, data: null, got: 0, since: now, received: false }
    trade.asked.set(key(part, peer), asked)
    ;(book.active[part] as number)++
    remote.askedParts++
    remote.askedBytes += length
    trade.inFlight.bytes += length
    return { asked, digest: book.digest(part) }
  })
  const requests: NodeEffect[] = []
  for (let i = 0; i < chosen.length; i += REQUEST_PARTS) requests.push(send(peer, { type: 'REQUEST', parts: chosen.slice(i, i + REQUEST_PARTS) }))
  return { downloads, requests }
}

/** Every byte of an asked part arrived: its pipeline slot is free. */
export function release(trade: Trade, asked: Asked): void {
  if (asked.received) return
  asked.received = true
  const remote = trade.remotes.get(asked.peer)
  if (remote) {
    remote.askedParts--
    remote.askedBytes -= asked.length
  }
  trade.inFlight.bytes -= asked.length
}

/** An asked part is no longer awaited (verified, failed, or its peer is gone). */
export function unask(trade: Trade, key: string): Asked | null {
  const asked = trade.asked.get(key)
  if (!asked) return null
  release(trade, asked)
  trade.asked.delete(key)
  if (trade.book) (trade.book.active[asked.part] as number)--
  return asked
}

/** The answer to a REQUEST: each part held, read once and sent in blocks; NO_PIECE for the rest. */
export function serve(book: PartBook | null, file: DataFile | null, peer: string, parts: unknown): NodeEffect[] {
  const out: NodeEffect[] = []
  for (const part of Array.isArray(parts) ? parts : []) {
    if (!book || !file || !book.isPart(part) || !book.have[part]) {
      out.push(send(peer, { type: 'NO_PIECE', part }))
      continue
    }
    const length = book.length(part)
    const bytes = file.read(part * book.info.PartSize, length)
    // Each block gets a buffer of its own, handed over with its message.
    for (let offset = 0; offset < length; offset += BLOCK_SIZE) {
      const data = length <= BLOCK_SIZE ? bytes : bytes.slice(offset, offset + BLOCK_SIZE)
      out.push(send(peer, { type: 'PIECE', part, offset, data }, { transfer: true }))
    }
  }
  return out
}
