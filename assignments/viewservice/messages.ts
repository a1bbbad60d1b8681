// The viewservice protocol: seed 000 §3's ping(viewnum, name), master() and the view, as messages.

/** Which server is master (primary) and which is backup, under a number that grows by 1 per change. */
export interface View {
  number: number
  master: string | null
  backup: string | null
}

/** A server reports it is alive and acknowledges view `viewnum` (0: it has just started). */
export interface Ping {
  type: 'PING'
  viewnum: number
  /** The server's name; by convention its address, so clients can reach the master. */
  name: string
}

/** The answer to PING and GET_VIEW: the current view. */
export interface ViewReply extends View {
  type: 'VIEW'
}

/** A client asks who the master is. */
export interface MasterQuery {
  type: 'MASTER'
}

export interface MasterReply {
  type: 'MASTER_IS'
  master: string | null
}

/** The current view without pinging (MIT's Get()): changes nothing. */
export interface GetView {
  type: 'GET_VIEW'
}

/** A request the coordinator cannot take: an unknown type or malformed fields. */
export interface ErrorReply {
  type: 'ERROR'
  reason: string
}

export type CoordinatorRequest = Ping | MasterQuery | GetView
export type ViewserviceMessage = CoordinatorRequest | ViewReply | MasterReply | ErrorReply

/** `input.config` of the coordinator. */
export interface CoordinatorConfig {
  /** Ticks without a ping after which a server is dead (default 5). */
  deadPings?: number
  /** Virtual ms between ticks (default 100). */
  tickInterval?: number
}

export const DEFAULT_DEAD_PINGS = 5
export const DEFAULT_TICK_INTERVAL = 100
