// The dynamo protocol as clients and administrators see it (the course's node.py interface). How
// nodes talk among themselves is each solution's own business; the reference's internal messages
// are in solution/internal.ts.

/** A node's name (`node01`) and the address it is reached at. */
export type NodeRef = [name: string, address: string]

/** Reads `key` once `quorum` nodes answered; all concurrent versions come back (siblings). */
export interface Get {
  type: 'GET'
  key: string
  quorum: number
}

/** `values[i]` has metadata `metadata[i]`; both empty when the key has never been written. */
export interface GetResp {
  type: 'GET_RESP'
  key: string
  values: string[]
  metadata: string[]
}

/**
 * Writes `value` once `quorum` nodes stored it. `metadata` is what a GET returned for the version
 * (or versions: an array covers several siblings) this write replaces; none for a new key.
 */
export interface Put {
  type: 'PUT'
  key: string
  value: string
  quorum: number
  metadata?: string | string[]
}

/** The new version's metadata: an opaque, canonical string. */
export interface PutResp {
  type: 'PUT_RESP'
  key: string
  metadata: string
}

/** The key's replicas, in preference order. */
export interface Lookup {
  type: 'LOOKUP'
  key: string
}

export interface LookupResp {
  type: 'LOOKUP_RESP'
  key: string
  nodes: NodeRef[]
}

/** Join the cluster through the node at `seed`; joining through oneself creates the cluster. No reply. */
export interface Join {
  type: 'JOIN'
  seed: string
}

/** Leave the cluster, handing the data over to its new owners first. No reply. */
export interface Leave {
  type: 'LEAVE'
}

export interface GetMembers {
  type: 'GET_MEMBERS'
}

/** The names of the cluster's members, sorted. */
export interface Members {
  type: 'MEMBERS'
  members: string[]
}

/** How many records (versions of keys this node is a replica of; siblings count apart) the node stores. */
export interface CountRecords {
  type: 'COUNT_RECORDS'
}

export interface CountRecordsResp {
  type: 'COUNT_RECORDS_RESP'
  count: number
}

/** A request that could not be served: malformed, quorum unreachable, not in a cluster. */
export interface ErrorReply {
  type: 'ERROR'
  reason: string
}

export type ClientRequest = Get | Put | Lookup | Join | Leave | GetMembers | CountRecords
export type ClientReply = GetResp | PutResp | LookupResp | Members | CountRecordsResp | ErrorReply

/** Copies of every key. */
export const REPLICAS = 3
