// Consistent hashing with virtual nodes: each member owns TOKENS points on a 32-bit ring; a key's
// preference list is the distinct members met walking clockwise from the key's hash. The first
// REPLICAS are its replicas; the ones after stand in for them when they cannot be reached.
import { hashString } from 'distlab/node'
import { REPLICAS } from 'distlab/protocol/dynamo'

const TOKENS = 32

export class Ring {
  private readonly tokens: Array<{ at: number; node: string }>

  constructor(readonly members: readonly string[]) {
    this.tokens = members.flatMap((node) => Array.from({ length: TOKENS }, (_, i) => ({ at: hashString(`${node}#${i}`), node })))
    this.tokens.sort((a, b) => a.at - b.at || (a.node < b.node ? -1 : 1))
  }

  /** Every member, in the key's preference order. */
  preference(key: string): string[] {
    if (this.tokens.length === 0) return []
    const at = hashString(key)
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
