// The leader-kv protocol: the seed's "Mensagem" class as one discriminated union.
import type { Address } from 'distlab/node'

/** The seed's default server addresses; the first is the leader unless configured otherwise. */
export const DEFAULT_SERVERS: readonly Address[] = ['127.0.0.1:10097', '127.0.0.1:10098', '127.0.0.1:10099']

/** A client's PUT to any server; a follower forwards it to the leader with `client` set. */
export interface Put {
  type: 'PUT'
  key: string
  value: string
  /** Set when forwarded: the client the PUT_OK is for. */
  client?: Address
}

/** Leader → every other server: store (key, value, ts). */
export interface Replication {
  type: 'REPLICATION'
  key: string
  value: string
  ts: number
}

/** Server → leader: the REPLICATION of (key, ts) is stored. */
export interface ReplicationOk {
  type: 'REPLICATION_OK'
  key: string
  ts: number
}

/** The PUT is stored on every server. From the leader to whoever sent it the PUT (`client` set when that was a follower). */
export interface PutOk {
  type: 'PUT_OK'
  key: string
  value: string
  ts: number
  client?: Address
}

/** A client reads `key`; `ts` is the newest timestamp the client has seen for it (0: none). */
export interface Get {
  type: 'GET'
  key: string
  ts: number
}

/** The server's value (null: the key does not exist) and its timestamp for the key. */
export interface GetOk {
  type: 'GET_OK'
  key: string
  value: string | null
  ts: number
}

/** The server's timestamp for the key is older than the client's: ask another server, or later. */
export interface TryOtherServerOrLater {
  type: 'TRY_OTHER_SERVER_OR_LATER'
  key: string
  ts: number
}

export type ServerMessage = Put | Replication | ReplicationOk | PutOk | Get
export type ClientMessage = PutOk | GetOk | TryOtherServerOrLater
export type LeaderKvMessage = ServerMessage | ClientMessage

/** `input.config` of a server. */
export interface ServerConfig {
  leader: Address
  servers: Address[]
}
