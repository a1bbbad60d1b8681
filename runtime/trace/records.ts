// The trace schema: one JSON object per line, documented in docs/trace.md. Every record has the
// virtual time `t` (ms), a sequence number `seq` (its position in the run's total order), the
// endpoint it happened at (`node`: a node or a client), and its `kind`.
import type { Message } from '../node/types.ts'
import type { LinkRule } from '../network/LinkRules.ts'

export const TRACE_FORMAT = 'distlab-trace/1'

interface Base {
  seq: number
  t: number
  node: string
}

export interface MetaRecord {
  kind: 'meta'
  format: typeof TRACE_FORMAT
  seed: number
  title: string
  /** 'real': wall-clock time and real sockets, so the run is not reproducible from its seed. */
  mode?: 'real'
  note?: string
  /** Written below level 'full' (absent at 'full'): no `state` or timer records, by design. */
  level?: 'net'
  endpoints: Array<{ name: string; address: string; role: string; client: boolean }>
}

export type TraceRecord =
  | (Base & { kind: 'node.start'; incarnation: number })
  | (Base & { kind: 'node.crash' })
  | (Base & { kind: 'node.restart'; incarnation: number })
  | (Base & { kind: 'node.error'; error: string })
  | (Base & { kind: 'disk.torn'; file: string; offset: number; length: number; kept: number })
  | (Base & { kind: 'send'; id: number; to: string; msg: Message })
  | (Base & { kind: 'deliver'; id: number; from: string; msg: Message })
  | (Base & { kind: 'drop'; id: number; from: string; to: string; reason: string; type: string })
  | (Base & { kind: 'unreachable'; id: number; to: string; type: string })
  | (Base & { kind: 'call'; id: number; call: number; to: string; msg: Message })
  | (Base & { kind: 'reply'; id: number; call: number; from: string; msg: Message })
  | (Base & { kind: 'timeout'; call: number; to: string; type: string })
  | (Base & { kind: 'timer.set'; timer: number; delay: number; at: number })
  | (Base & { kind: 'timer.fire'; timer: number })
  | (Base & { kind: 'timer.cancel'; timer: number })
  /** `actor`: a spawned or invoked machine of the node (its id); absent for the node's own machine. */
  | (Base & { kind: 'state'; actor?: string; from: string | null; to: string; event: string })
  | (Base & { kind: 'pool'; job: number; id: string | number; bytes: number; parts: number; at: number })
  | (Base & { kind: 'pool.done'; job: number; id: string | number })
  | (Base & { kind: 'console'; line: string })
  /** A request from the node's application (an event), and a result the node gave it (toApp). */
  | (Base & { kind: 'app.request'; msg: Message })
  | (Base & { kind: 'app.result'; msg: Message })
  | (Base & { kind: 'prompt'; text: string })
  | (Base & { kind: 'stdin'; line: string })
  | (Base & { kind: 'log'; level: string; text: string })
  | (Base & { kind: 'fault'; fault: string; detail: string; rule?: LinkRule })
  | (Base & { kind: 'check'; ok: boolean; sentence: string })
  | (Base & { kind: 'note'; text: string; heading?: boolean })

export type TraceKind = TraceRecord['kind']

/** Kinds that need xstate inspection in the nodes: written only at trace level 'full'. */
export const FULL_ONLY_KINDS: ReadonlySet<TraceKind> = new Set(['state', 'timer.set', 'timer.fire', 'timer.cancel'])

export const TRACE_KINDS: readonly TraceKind[] = [
  'node.start', 'node.crash', 'node.restart', 'node.error', 'disk.torn',
  'send', 'deliver', 'drop', 'unreachable', 'call', 'reply', 'timeout',
  'timer.set', 'timer.fire', 'timer.cancel', 'state', 'pool', 'pool.done',
  'console', 'prompt', 'stdin', 'app.request', 'app.result', 'log', 'fault', 'check', 'note',
]

/** A record as it is handed to the tracer, before it gets its sequence number. */
export type NewRecord = TraceRecord extends infer R ? (R extends TraceRecord ? Omit<R, 'seq'> : never) : never
