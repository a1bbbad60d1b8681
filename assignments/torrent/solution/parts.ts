// The node's book of parts, once FileInfo is known: which parts it holds (verified), how many known
// peers hold each, how many downloads of each are in flight, and which to ask for next (rarest
// first, ties broken by a per-incarnation random order). Bulk state, kept in typed arrays and
// changed in place: the machines hold one PartBook and never copy it.
import type { FileInfo } from 'distlab/protocol/torrent'
import { partCount } from 'distlab/protocol/torrent'

export class PartBook {
  readonly count: number
  /** 1 for each part held and verified. */
  readonly have: Uint8Array
  haveCount = 0
  /** Known peers holding each part (from their bitfields). */
  readonly avail: Uint16Array
  /** Downloads of each part in flight (2 in the endgame). */
  readonly active: Uint8Array
  /** Parts in a random order: the tie-break among equally rare parts. */
  private readonly order: Uint32Array
  /** Parts verified since the last HAVE was sent. */
  fresh: number[] = []

  constructor(readonly info: FileInfo) {
    this.count = partCount(info.Size, info.PartSize)
    this.have = new Uint8Array(this.count)
    this.avail = new Uint16Array(this.count)
    this.active = new Uint8Array(this.count)
    this.order = shuffled(this.count)
  }

  get complete(): boolean {
    return this.haveCount === this.count
  }

  length(part: number): number {
    return Math.min(this.info.PartSize, this.info.Size - part * this.info.PartSize)
  }

  digest(part: number): string | undefined {
    return this.info.Parts?.[part]
  }

  isPart(part: unknown): part is number {
    return Number.isInteger(part) && (part as number) >= 0 && (part as number) < this.count
  }

  /** A part is now held and verified; false if it already was. */
  gain(part: number, announce: boolean): boolean {
    if (this.have[part]) return false
    this.have[part] = 1
    this.haveCount++
    if (announce) this.fresh.push(part)
    return true
  }

  /** Takes the parts verified since the last call (for a HAVE). */
  takeFresh(): number[] {
    const parts = this.fresh
    this.fresh = []
    return parts
  }

  /** Adds (+1) or removes (-1) a peer's bitfield from the availability counts. */
  countBitfield(bits: Uint8Array, sign: 1 | -1): void {
    for (let part = 0; part < this.count; part++) if (bits[part]) (this.avail[part] as number) += sign
  }

  /**
   * The rarest parts `theirs` holds and we lack, up to `slots` parts and `room` bytes (at least
   * one). When every missing part is already asked of someone (the endgame), a part asked of one
   * other peer may be asked again, unless `askedOfThem` says it was asked of this peer.
   */
  pick(theirs: Uint8Array, askedOfThem: (part: number) => boolean, slots: number, room: number): number[] {
    const buckets: number[][] = []
    const endgame: number[] = []
    let unasked = 0
    for (const part of this.order) {
      if (this.have[part]) continue
      if (this.active[part] === 0) unasked++
      if (!theirs[part]) continue
      if (this.active[part] === 0) (buckets[this.avail[part] as number] ??= []).push(part)
      else if (this.active[part] === 1 && !askedOfThem(part)) endgame.push(part)
    }
    const chosen: number[] = []
    let bytes = 0
    for (const part of unasked === 0 ? endgame : buckets.flat()) {
      if (chosen.length >= slots || (chosen.length > 0 && bytes >= room)) break
      chosen.push(part)
      bytes += this.length(part)
    }
    return chosen
  }
}

/** 0..n-1 in a random order (the node's seeded Math.random). */
function shuffled(n: number): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const t = order[i] as number
    order[i] = order[j] as number
    order[j] = t
  }
  return order
}
