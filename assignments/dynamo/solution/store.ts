// What a dynamo node stores: the versions of the keys it is a replica of, and hints (versions held
// for another node: as a stand-in during a sloppy quorum, or data moving to a new owner after the
// ring changed). One object per node incarnation, changed in place (never copied per message).
import type { Ring } from './ring.ts'
import type { Policy } from './policy.ts'
import type { Version } from './versions.ts'

export class Store {
  /** key → versions, for keys this node replicates. */
  readonly data = new Map<string, Version[]>()
  /** owner → key → versions held for it. */
  readonly hints = new Map<string, Map<string, Version[]>>()

  constructor(
    readonly self: string,
    private readonly keep: Policy['keep'],
  ) {}

  /** Versions this node holds for a key, as replica and as stand-in, reconciled. */
  held(key: string): Version[] {
    const hinted = [...this.hints.values()].flatMap((keys) => keys.get(key) ?? [])
    return this.keep(key, [...(this.data.get(key) ?? []), ...hinted])
  }

  /** Stores versions as a replica (`hintFor` null or this node) or for `hintFor`. */
  put(key: string, versions: Version[], hintFor: string | null): void {
    if (hintFor && hintFor !== this.self) {
      const keys = this.hints.get(hintFor) ?? new Map<string, Version[]>()
      this.hints.set(hintFor, keys)
      keys.set(key, this.keep(key, [...(keys.get(key) ?? []), ...versions]))
    } else {
      this.data.set(key, this.keep(key, [...(this.data.get(key) ?? []), ...versions]))
    }
  }

  /**
   * Versions sent to this node as a replica: kept if it is one of the key's replicas in its ring
   * (and not leaving), else held as hints for those that are (a handoff sent under an older ring).
   */
  receive(key: string, versions: Version[], ring: Ring, leaving: boolean): void {
    const replicas = ring.replicas(key)
    if (replicas.length === 0 || (replicas.includes(this.self) && !leaving)) return this.put(key, versions, null)
    for (const replica of replicas) this.put(key, versions, replica)
  }

  /**
   * After the ring changed: data of keys this node no longer replicates becomes hints for the
   * key's replicas, and hints whose owner left (or is no longer a replica) go to the replicas now.
   */
  rebalance(ring: Ring, left: readonly string[], leaving: boolean): void {
    for (const [key, versions] of [...this.data]) {
      const replicas = ring.replicas(key)
      if (replicas.includes(this.self) && !leaving) continue
      this.data.delete(key)
      for (const replica of replicas) if (replica !== this.self) this.put(key, versions, replica)
    }
    for (const [owner, keys] of [...this.hints]) {
      for (const [key, versions] of [...keys]) {
        const replicas = ring.replicas(key)
        if (!left.includes(owner) && replicas.includes(owner)) continue
        keys.delete(key)
        for (const replica of replicas) this.put(key, versions, replica)
      }
      if (keys.size === 0) this.hints.delete(owner)
    }
  }

  hasHints(): boolean {
    for (const keys of this.hints.values()) if (keys.size > 0) return true
    return false
  }

  /** A handed-over hint was acknowledged: forgotten, unless it gained versions meanwhile. */
  delivered(owner: string, key: string, sent: Version[], covers: (set: Version[], versions: Version[]) => boolean): void {
    const keys = this.hints.get(owner)
    const now = keys?.get(key)
    if (keys && now && covers(sent, now)) keys.delete(key)
    if (keys && keys.size === 0) this.hints.delete(owner)
  }

  /** Versions stored as a replica (siblings count apart). */
  count(): number {
    let n = 0
    for (const versions of this.data.values()) n += versions.length
    return n
  }
}
