// What the trusted parent (`npm run grade`) and the grading sandbox say to each other. The job
// goes down once, on the sandbox's stdin; messages come up as authenticated frames (channel.ts).
// The parent believes nothing it has not checked here: shapes, names, lengths.
import type { NodeLimits } from '../../runtime/index.ts'
import type { Scale } from '../harness/TestContext.ts'

export interface SandboxJob {
  /** Hex key of the channel's frames; the sandbox keeps it in its main thread only. */
  key: string
  assignment: string
  solution: { label: string; dir: string; isReference: boolean; files: Record<string, string> }
  seed: number
  scale: Scale
  /** The tests to run, in order (after a restart, the ones still to run). */
  tests: string[]
  /** Where each test's trace goes, inside the sandbox's scratch directory. */
  traceFile?: string
  /** Name each trace after its test (the whole run has several tests). */
  traceNamed: boolean
  /** moduleKey → file URL of every module the run may load, compiled by the parent. */
  manifest: Record<string, string>
  limits?: Partial<NodeLimits>
  /** Load each of the solution's modules once before any test (the first start only). */
  preflight: boolean
}

/** A test's outcome as the sandbox reports it; the parent turns it into points itself. */
export interface SandboxResult {
  name: string
  passed: boolean
  reason?: string
  kind?: 'check' | 'solution' | 'timeout' | 'grader'
  wallMs: number
  virtualMs: number
  clusters?: number
}

export type SandboxMessage =
  | { type: 'ready' }
  | { type: 'unusable'; reason: string }
  | { type: 'test-start'; name: string }
  | { type: 'progress'; name: string; text: string }
  | { type: 'test-end'; result: SandboxResult }
  | { type: 'done' }

/** Longest reason a result may carry (the frame must fit a pipe's atomic write). */
export const MAX_REASON = 1800
const KINDS = ['check', 'solution', 'timeout', 'grader']

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

/** The message, if `value` is one the sandbox may send; null otherwise. */
export function parseSandboxMessage(value: unknown): SandboxMessage | null {
  if (typeof value !== 'object' || value === null) return null
  const m = value as Record<string, unknown>
  switch (m.type) {
    case 'ready':
    case 'done':
      return { type: m.type }
    case 'unusable':
      return isText(m.reason, MAX_REASON * 4) ? { type: 'unusable', reason: m.reason } : null
    case 'test-start':
      return isText(m.name, 100) ? { type: 'test-start', name: m.name } : null
    case 'progress':
      return isText(m.name, 100) && isText(m.text, 200) ? { type: 'progress', name: m.name, text: m.text } : null
    case 'test-end': {
      const r = m.result as Record<string, unknown> | null
      if (typeof r !== 'object' || r === null || !isText(r.name, 100) || typeof r.passed !== 'boolean' || !isTime(r.wallMs) || !isTime(r.virtualMs)) return null
      if (r.reason !== undefined && !isText(r.reason, MAX_REASON)) return null
      if (r.kind !== undefined && !KINDS.includes(r.kind as string)) return null
      if (r.clusters !== undefined && !(Number.isInteger(r.clusters) && (r.clusters as number) >= 0 && (r.clusters as number) <= 10_000)) return null
      const result: SandboxResult = { name: r.name, passed: r.passed, wallMs: r.wallMs, virtualMs: r.virtualMs }
      if (r.reason !== undefined) result.reason = r.reason as string
      if (r.kind !== undefined) result.kind = r.kind as SandboxResult['kind']
      if (r.clusters !== undefined) result.clusters = r.clusters as number
      return { type: 'test-end', result }
    }
    default:
      return null
  }
}
