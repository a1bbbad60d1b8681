// Per-node link capacity: each node has an uplink and a downlink of so many bytes per virtual
// second, and messages queue on both. A message holds its sender's uplink for size/up and its
// receiver's downlink for size/down, the downlink no earlier than one latency after the uplink
// started (bits flow through, as in cut-through switching). It has arrived when its last byte
// has crossed both: a lone transfer takes latency + size/min(up, down), and a node sending to
// many peers, or fetched from by many, shares its capacity among them. Decided at send time, in
// send order, so runs stay deterministic.
import { roundMicros } from '../virtualTime.ts'

export interface BandwidthConfig {
  /** Bytes per virtual second the node can send (default: unlimited). */
  up?: number
  /** Bytes per virtual second the node can receive (default: unlimited). */
  down?: number
}

interface Capacity {
  up: number
  down: number
}

const UNLIMITED: Capacity = { up: Infinity, down: Infinity }

export function validateBandwidth(config: BandwidthConfig | number | undefined, where: string): Capacity | undefined {
  if (config === undefined) return undefined
  if (typeof config === 'number') config = { up: config, down: config }
  if (typeof config !== 'object' || config === null) throw new TypeError(`${where} must be bytes per second, or { up, down } in bytes per second`)
  for (const key of Object.keys(config)) if (key !== 'up' && key !== 'down') throw new TypeError(`${where}.${key} is not a bandwidth setting; use up and down (bytes per virtual second)`)
  const rate = (value: number | undefined, name: string): number => {
    if (value === undefined) return Infinity
    if (!(typeof value === 'number' && value > 0)) throw new TypeError(`${where}.${name} must be a positive number of bytes per second (got ${JSON.stringify(value)})`)
    return value
  }
  return { up: rate(config.up, 'up'), down: rate(config.down, 'down') }
}

export class Bandwidth {
  private readonly perNode = new Map<string, Capacity>()
  private readonly upFree = new Map<string, number>()
  private readonly downFree = new Map<string, number>()

  constructor(private defaults: Capacity = UNLIMITED) {}

  setDefault(capacity: Capacity): void {
    this.defaults = capacity
  }

  setNode(name: string, capacity: Capacity | null): void {
    if (capacity === null) this.perNode.delete(name)
    else this.perNode.set(name, capacity)
  }

  /** Whether a message between these endpoints costs anything beyond latency. */
  limited(from: string, to: string): boolean {
    return this.capacity(from).up < Infinity || this.capacity(to).down < Infinity
  }

  /** When a message of `size` bytes sent at `now` has fully arrived, reserving both links. */
  arrival(from: string, to: string, size: number, now: number, latency: number): number {
    return this.transfer(from, to, size, now, latency).at
  }

  /**
   * As `arrival`, with `leaves`: when its last byte has left the sender's uplink. Until then it
   * waits in the sender's queue, and a sender that crashes first never sends it (see releaseUplink).
   */
  transfer(from: string, to: string, size: number, now: number, latency: number): { at: number; leaves: number } {
    const up = this.capacity(from).up
    const down = this.capacity(to).down
    const upStart = Math.max(now, this.upFree.get(from) ?? 0)
    const upEnd = upStart + (size / up) * 1000
    if (up < Infinity) this.upFree.set(from, upEnd)
    const downStart = Math.max(upStart + latency, this.downFree.get(to) ?? 0)
    const downEnd = downStart + (size / down) * 1000
    if (down < Infinity) this.downFree.set(to, downEnd)
    return { at: roundMicros(Math.max(upEnd + latency, downEnd)), leaves: up < Infinity ? roundMicros(upEnd) : now }
  }

  /** Virtual ms until which a node's uplink is taken by what it already sent (≤ now: idle). */
  uplinkBusyUntil(name: string): number {
    return this.upFree.get(name) ?? 0
  }

  /** A crashed node's queued bytes never leave: its uplink is free from `now` (its next incarnation does not wait for them). */
  releaseUplink(name: string, now: number): void {
    if ((this.upFree.get(name) ?? 0) > now) this.upFree.set(name, now)
  }

  private capacity(name: string): Capacity {
    return this.perNode.get(name) ?? this.defaults
  }
}

/**
 * Bytes a message would take on the wire, roughly: binary data at its length, strings at theirs,
 * numbers at 8, plus a little per field and a 40-byte header. Cheap enough to run per message.
 */
export function messageSize(message: object): number {
  return 40 + sizeOf(message, 0)
}

function sizeOf(value: unknown, depth: number): number {
  if (value === null || value === undefined) return 1
  switch (typeof value) {
    case 'string':
      return value.length
    case 'number':
    case 'bigint':
      return 8
    case 'boolean':
      return 1
    case 'object':
      break
    default:
      return 0
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength
  if (depth > 8) return 8
  let total = 2
  if (Array.isArray(value)) {
    for (const item of value) total += 1 + sizeOf(item, depth + 1)
    return total
  }
  for (const [key, item] of Object.entries(value)) total += key.length + 2 + sizeOf(item, depth + 1)
  return total
}
