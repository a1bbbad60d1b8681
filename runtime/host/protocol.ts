// Everything that crosses the thread boundary between the simulation (main thread) and a node
// host (worker thread, or the same thread in inline mode). One file, so both sides agree.
import type { Address, Message } from '../node/types.ts'

export type TraceLevel = 'off' | 'net' | 'full'

/** What a host needs to create one incarnation of a node. */
export interface HostInit {
  name: string
  address: Address
  peers: Address[]
  config: unknown
  dataDir: string
  /** Seeds this incarnation's Math.random. */
  seed: number
  incarnation: number
  /** 'full' adds state transitions and timer records (xstate inspection: costly, so opt-in). */
  trace: TraceLevel
  /** Log positioned writes to files, so a crash can tear the last one (see WriteLog). */
  logWrites?: boolean
  /** Resource limits checked inside the host (the heap limit is the worker's own). */
  limits: HostLimits
  /** The main thread runs under the permission model: a worker must too, or it refuses the node. */
  permission?: boolean
}

/** Per-node limits a host enforces; going over one fails the node with a sentence naming it. */
export interface HostLimits {
  /** ArrayBuffers and Buffers the node keeps, in MiB (checked after each batch, after a GC). */
  buffersMb: number
  /** Effects (messages, timers, lines) the node may emit while handling one event. */
  effectsPerEvent: number
  /** Timers the node may have set at once. */
  timers: number
  /**
   * Files the node may hold open at once. Descriptors belong to the whole process: a node that
   * opens without closing would otherwise starve the runtime (and the other nodes) of them.
   */
  openFiles: number
}

/**
 * The ordering key of everything that happens in a run. Queue items have `[t, seq]`. A timer a
 * node sets and fires inside one batch has `[at, Infinity, ...keyOfWhatSetIt, n]`: after every
 * queued item of the same instant, in creation order; exactly where sequential processing puts it.
 */
export type Key = number[]

interface ItemBase {
  t: number
  seq: number
}
export type StepItem =
  | (ItemBase & { kind: 'start' })
  | (ItemBase & { kind: 'deliver'; id: number; from: Address; msg: Message; transfer?: boolean })
  | (ItemBase & { kind: 'timer'; timer: number })
  | (ItemBase & { kind: 'stdin'; line: string })
  // An event from the runtime itself (net.unreachable, pool.hashed): delivered as it is.
  | (ItemBase & { kind: 'event'; event: Message; transfer?: boolean })

export interface StepRequest {
  items: StepItem[]
  /** Timers set during this batch that fire before `until` are fired here, locally. */
  until: number
  /** Benchmarks (Cluster's timing option): the reply carries `stamps`. */
  stamp?: true
}

/** What a host did, in the order it did it, for one item or one local timer. */
export type HostEffect =
  | { kind: 'send'; to: Address; msg: Message; transfer?: boolean; unreachable?: boolean }
  | { kind: 'pool'; job: PoolJobRequest }
  | { kind: 'print'; line: string }
  | { kind: 'prompt'; text: string }
  | { kind: 'app'; msg: Message } // a result for the node's application (toApp)
  | { kind: 'log'; level: string; text: string }
  | { kind: 'timer'; timer: number; at: number } // a timer for the global queue
  | { kind: 'cancel'; timer: number }
  | { kind: 'error'; message: string; event: string }
  | { kind: 'limit'; message: string; event: string } // went over a resource limit (HostLimits)
  | { kind: 'write'; file: string; offset: number; length: number } // logged writes only
  | { kind: 'synced'; file: string } // an fsync of a logged file: its writes are durable
  // trace-only (level 'full')
  | { kind: 'timer.set'; timer: number; delay: number; at: number }
  | { kind: 'timer.fire'; timer: number }
  | { kind: 'timer.cancel'; timer: number }
  /** `actor`: the id of a spawned or invoked machine; absent for the node's own machine. */
  | { kind: 'state'; actor?: string; from: string | null; to: string; event: string }

/**
 * A node asked to hash `bytes` bytes, whole or in parts of `partSize`. The bytes stay in the node's
 * thread (host/HashJobs.ts); the simulation decides when the answer comes and delivers
 * `{ type: 'pool.hashed', id, token }`, which the host fills in with the digests and the data.
 */
export interface PoolJobRequest {
  id: string | number
  /** The host's number for the job, echoed in the answer. */
  token: number
  bytes: number
  partSize?: number
  algorithm: string
}

export interface StepEntry {
  key: Key
  /** The virtual time of the entry (key[0]). */
  t: number
  effects: HostEffect[]
}

export interface StepReply {
  entries: StepEntry[]
  /** Items and local timers actually handled (a cancelled timer is not). */
  handled: number
  /**
   * Asked for with `stamp`: when the batch reached the node's thread and when its reply left, in
   * ms of the process's monotonic clock (hrtime, the same in every thread). Only ever added up
   * for a benchmark, never consulted by the run.
   */
  stamps?: [number, number]
}

export interface NodeSnapshot {
  status: string
  value: unknown
  context: unknown
}

/** The control API a worker exposes through comlink (not on the hot path). */
export interface HostControl {
  init(init: HostInit, moduleUrl: string): Promise<void>
  inspect(): NodeSnapshot
  /** Forgets the node, so the worker can serve another (trusted runs only; see WarmWorkers). */
  reset(): void
  /** Tears the node's last logged write at file offset `cut` (see WriteLog). */
  tear(write: TornWrite, cut: number): void
}

/** A logged write, as the simulation saw it. */
export interface TornWrite {
  file: string
  offset: number
  length: number
}

/**
 * Shared progress cells [what, t]: the worker writes the index of the item it is handling, or
 * PROGRESS_TIMER and the virtual time of a timer it fires itself; PROGRESS_IDLE between batches.
 */
export const PROGRESS_IDLE = -1
export const PROGRESS_TIMER = -2

/** Reports progress through a batch: an item's index, or PROGRESS_TIMER with a local timer's time. */
export type Progress = (what: number, t: number) => void
