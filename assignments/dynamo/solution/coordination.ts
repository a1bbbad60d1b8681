// What every client coordination (a read, a write, a forwarded write) gets when the node spawns it,
// and the timing they share: a coordination waits ROUND_MS for answers before it asks stand-ins
// (sloppy quorum) or tries another replica, and gives up after MAX_ROUNDS rounds.
import type { Policy } from './policy.ts'
import type { Store } from './store.ts'

export const ROUND_MS = 50
export const MAX_ROUNDS = 6

export interface CoordinationInput {
  /** Matches the answers of other nodes (R_GET_RESP, R_PUT_ACK, COORDINATED) to this coordination. */
  req: number
  key: string
  quorum: number
  /** This node's name, and every member's address by name (when the coordination began). */
  self: string
  addresses: Record<string, string>
  /** The node's store, shared: a coordination reads and writes its own copies in place. */
  store: Store
  policy: Policy
}

export const addressOf = (input: CoordinationInput, name: string): string => input.addresses[name] ?? name

/** The member at an address (answers come from addresses), or the address itself. */
export function nameAt(input: CoordinationInput, address: string): string {
  for (const [name, at] of Object.entries(input.addresses)) if (at === address) return name
  return address
}
