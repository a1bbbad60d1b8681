// How the reference's nodes talk among themselves. Nothing here is seen by clients or graders.
import type { Version } from './versions.ts'

/** A coordinator asks a replica (or a stand-in) for its versions of `key`. */
export interface ReplicaGet {
  type: 'R_GET'
  key: string
  req: number
}

export interface ReplicaGetResp {
  type: 'R_GET_RESP'
  key: string
  req: number
  versions: Version[]
}

/**
 * Store `versions` of `key`: as a replica, or as a stand-in holding them for `hintFor`. `req` 0
 * asks for no acknowledgement (read repair).
 */
export interface ReplicaPut {
  type: 'R_PUT'
  key: string
  versions: Version[]
  req: number
  hintFor?: string
}

export interface ReplicaPutAck {
  type: 'R_PUT_ACK'
  req: number
}

/** A non-replica hands a client's PUT to a replica to coordinate. */
export interface Coordinate {
  type: 'COORDINATE'
  key: string
  value: string
  quorum: number
  metadata: string[]
  req: number
}

export interface Coordinated {
  type: 'COORDINATED'
  req: number
  metadata?: string
  error?: string
}

/** A joining node introduces itself to its seed. */
export interface JoinMe {
  type: 'JOIN_ME'
  name: string
  address: string
}

/** Who ever joined and who left: merged by union, flooded on every change. */
export interface Membership {
  type: 'MEMBERSHIP'
  joined: Record<string, string>
  left: string[]
}

export type InternalMessage = ReplicaGet | ReplicaGetResp | ReplicaPut | ReplicaPutAck | Coordinate | Coordinated | JoinMe | Membership
