// Consistent hashing with virtual nodes: each member owns TOKENS points on a 32-bit ring; a key's
// preference list is the distinct members met walking clockwise from the key's hash. The first
// REPLICAS are its replicas; the ones after stand in for them when they cannot be reached.
import { REPLICAS } from 'distlab/protocol/dynamo'

const TOKENS = 32

/** FNV-1a with a murmur3 finalizer: well spread, and the same on every node. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export class Ring {
  private readonly tokens: Array<{ at: number; node: string }>

  constructor(readonly members: readonly string[]) {
    this.tokens = members.flatMap((node) => Array.from({ length: TOKENS }, (_, i) => ({ at: hash32(`${node}#${i}`), node })))
    this.tokens.sort((a, b) => a.at - b.at || (a.node < b.node ? -1 : 1))
  }

  /** Every member, in the key's preference order. */
  preference(key: string): string[] {
    if (this.tokens.length === 0) return []
    const at = hash32(key)
    let start = this.tokens.findIndex((t) => t.at >= at)
    if (start === -1) start = 0
    const order: string[] = []
    for (let i = 0; i < this.tokens.length && order.length < this.members.length; i++) {
      const { node } = this.tokens[(start + i) % this.tokens.length] as { node: string }
      if (!order.includes(node)) order.push(node)
    }
    return order
  }

  replicas(key: string): string[] {
    return this.preference(key).slice(0, REPLICAS)
  }
}
