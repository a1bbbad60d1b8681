// Fault injection as data. A plan is a list of rules; each rule counts the requests it targets and
// fires on the ones its `when` names (the 3rd, the 2nd to 4th, every one, or a seeded share). The
// core only decides: it reports the latency to wait, the status to answer, or the byte after which
// the adapter must cut the connection; waiting and cutting are the adapter's job.
import { Rng } from 'distlab/node'

/** The emulated endpoints, as fault targets and in docs/disk-emulator.md's table. */
export const ENDPOINTS = ['info', 'meta', 'mkdir', 'delete', 'copy', 'move', 'upload-link', 'download-link', 'operation', 'trash', 'upload', 'download'] as const
export type Endpoint = (typeof ENDPOINTS)[number]

export type When = { kind: 'nth'; from: number; to: number } | { kind: 'every' } | { kind: 'percent'; percent: number }

export interface FaultRule {
  /**
   * status: answer `status` instead (429 adds Retry-After: `arg` s, default 1; a 202 to an upload
   * stores the file later); delay: wait `arg` ms more; reset-upload / reset-download: cut the
   * connection after `arg` body bytes; fail-op: the matching asynchronous operation ends `failed`.
   */
  kind: 'status' | 'delay' | 'reset-upload' | 'reset-download' | 'fail-op'
  status?: number
  arg?: number
  /** `any`, `api` (every /v1/disk request), an endpoint name, or a path pattern like `/v1/disk/resources/*` (fail-op: ignored). */
  target: string
  when: When
}

export interface FaultPlan {
  rules?: FaultRule[]
  /** Added before every answer, ms. */
  latencyMs?: number
  /** How long an asynchronous operation stays `in-progress`, ms of the injected clock. */
  opDurationMs?: number
  /** Seed of the draws for `percent` rules (independent of the core's ids). */
  seed?: number
}

/** What the plan does to one request. */
export interface FaultEffect {
  status?: number
  retryAfterS?: number
  delayMs: number
  resetAfterBytes?: number
}

export class FaultState {
  private readonly counts: number[]
  private readonly rng: Rng
  private readonly rules: FaultRule[]

  constructor(private readonly plan: FaultPlan = {}) {
    this.rules = plan.rules ?? []
    this.counts = this.rules.map(() => 0)
    this.rng = new Rng(plan.seed ?? 1).fork('disk-emulator-faults')
  }

  get opDurationMs(): number | undefined {
    return this.plan.opDurationMs
  }

  /** Counts this request against every rule that targets it and says what fires. */
  onRequest(endpoint: Endpoint | undefined, pathname: string): FaultEffect {
    const effect: FaultEffect = { delayMs: this.plan.latencyMs ?? 0 }
    this.rules.forEach((rule, i) => {
      if (rule.kind === 'fail-op' || !targets(rule.target, endpoint, pathname) || !this.fires(rule, i)) return
      if (rule.kind === 'delay') effect.delayMs += rule.arg ?? 0
      else if (rule.kind === 'status' && effect.status === undefined) {
        effect.status = rule.status
        if (rule.arg !== undefined || rule.status === 429) effect.retryAfterS = rule.arg ?? 1
      } else if ((rule.kind === 'reset-upload' || rule.kind === 'reset-download') && effect.resetAfterBytes === undefined) effect.resetAfterBytes = rule.arg ?? 0
    })
    return effect
  }

  /** Counts a new asynchronous operation; true if a fail-op rule says it must fail. */
  onOperation(): boolean {
    let fail = false
    this.rules.forEach((rule, i) => {
      if (rule.kind === 'fail-op' && this.fires(rule, i)) fail = true
    })
    return fail
  }

  private fires(rule: FaultRule, i: number): boolean {
    const n = (this.counts[i] = (this.counts[i] ?? 0) + 1)
    const when = rule.when
    if (when.kind === 'every') return true
    if (when.kind === 'nth') return n >= when.from && n <= when.to
    return this.rng.chance(when.percent / 100)
  }
}

function targets(target: string, endpoint: Endpoint | undefined, pathname: string): boolean {
  if (target === 'any') return true
  if (target === 'api') return pathname.startsWith('/v1/')
  if (target.startsWith('/')) return globToRegExp(target).test(pathname)
  return target === endpoint
}

const globs = new Map<string, RegExp>()

function globToRegExp(glob: string): RegExp {
  let re = globs.get(glob)
  if (!re) {
    re = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
    globs.set(glob, re)
  }
  return re
}
