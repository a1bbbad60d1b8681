import type { Address } from '../node/types.ts'

/** Anything with an address on the network: a node, or a client handle living in the network. */
export interface Endpoint {
  readonly name: string
  readonly address: Address
  readonly isClient: boolean
  /** A role for people (`server`, `client`, `grader`). */
  readonly role: string
}
