// The pbservice protocol: seed 000 §4's put, put_backup, get and tick, as messages. Servers talk
// to the viewservice coordinator with its own messages (PING, VIEW: distlab/protocol/viewservice).
import type { View } from 'distlab/protocol/viewservice'

export type { View }

// ---- clients and the primary ---------------------------------------------------------------

/**
 * A client writes `value` under `key`. `client` and `seq` (growing per client) identify the put,
 * so a retried put is applied once; `rid` identifies this attempt and comes back in the answer.
 */
export interface Put {
  type: 'PUT'
  key: string
  value: string
  client: string
  seq: number
  rid: number
}

export interface Get {
  type: 'GET'
  key: string
  rid: number
}

export interface PutOk {
  type: 'PUT_OK'
  rid: number
}

/** The value under the key (null: none). */
export interface GetOk {
  type: 'GET_OK'
  value: string | null
  rid: number
}

/** The request was not served: not the primary, busy copying to a new backup, backup unreachable, malformed. */
export interface ErrorReply {
  type: 'ERROR'
  reason: string
  rid?: number
}

// ---- the primary and its backup ----------------------------------------------------------

/** A put, forwarded by the primary of view `viewnum`. */
export interface PutBackup {
  type: 'PUT_BACKUP'
  key: string
  value: string
  client: string
  seq: number
  viewnum: number
}

/** Before answering a GET, the primary checks that its backup still takes it for the primary of `viewnum`. */
export interface GetBackup {
  type: 'GET_BACKUP'
  key: string
  viewnum: number
}

/** All of the primary's data, for the backup of view `viewnum`, before the primary acknowledges it. */
export interface Transfer {
  type: 'TRANSFER'
  viewnum: number
  data: Record<string, string>
  /** The highest `seq` applied per client. */
  applied: Record<string, number>
}

export interface BackupOk {
  type: 'PUT_BACKUP_OK' | 'GET_BACKUP_OK' | 'TRANSFER_OK'
  viewnum: number
}

/** The backup does not take this from the sender (not the primary of its view, or not that view). */
export interface BackupRefused {
  type: 'BACKUP_REFUSED'
  viewnum: number
  reason: string
}

export type ClientRequest = Put | Get
export type PbserviceMessage = ClientRequest | PutOk | GetOk | ErrorReply | PutBackup | GetBackup | Transfer | BackupOk | BackupRefused

/** `input.config` of a server. Its name in the view is its address. */
export interface ServerConfig {
  /** The coordinator's address. */
  coordinator: string
  /** Virtual ms between ticks (pings to the coordinator); default 100. */
  tickInterval?: number
}

export const DEFAULT_TICK_INTERVAL = 100
