// What a dynamo node knows, and the coordinations it is running.
import type { Version } from './versions.ts'

export interface GetOp {
  kind: 'get'
  key: string
  quorum: number
  client: string
  replicas: string[]
  /** Stand-in candidates, in preference order. */
  candidates: string[]
  asked: string[]
  responses: Record<string, Version[]>
  answered: boolean
  rounds: number
}

export interface PutOp {
  kind: 'put'
  key: string
  quorum: number
  /** Who gets the answer: a client (PUT_RESP), or the node that forwarded the PUT (COORDINATED). */
  answerTo: { address: string; forwardReq: number | null }
  version: Version
  replicas: string[]
  candidates: string[]
  /** Every node a copy was sent to, and the replica it stands in for (null: a replica itself). */
  placed: Record<string, string | null>
  acked: string[]
  answered: boolean
  rounds: number
}

export interface ForwardOp {
  kind: 'forward'
  key: string
  value: string
  quorum: number
  metadata: string[]
  client: string
  replicas: string[]
  tried: string[]
}

export type Op = GetOp | PutOp | ForwardOp

export interface NodeState {
  name: string
  address: string
  /** Every node that ever joined, with its address; `left` holds those that left since. */
  joined: Record<string, string>
  left: string[]
  /** Versions of the keys this node is a replica of. */
  data: Record<string, Version[]>
  /** Versions held for another node (stand-in, or data moving to a new owner): owner → key → versions. */
  hints: Record<string, Record<string, Version[]>>
  ops: Record<number, Op>
  /** Handoffs in flight, by request: acknowledged ones are forgotten. */
  handoffs: Record<number, { owner: string; key: string; versions: Version[] }>
  nextReq: number
  /** This node has left the cluster (it still hands its data over). */
  leaving: boolean
}

export function initialState(name: string, address: string): NodeState {
  return { name, address, joined: {}, left: [], data: {}, hints: {}, ops: {}, handoffs: {}, nextReq: 1, leaving: false }
}

export function members(state: NodeState): string[] {
  return Object.keys(state.joined)
    .filter((name) => !state.left.includes(name))
    .sort()
}

export function hasHints(state: NodeState): boolean {
  return Object.values(state.hints).some((keys) => Object.keys(keys).length > 0)
}
