// How one directed link behaves. Validated where it enters (piscina-style), so a typo in a
// scenario or grader fails at once with a sentence instead of skewing a run.

export interface LinkConfig {
  /** One-way latency in virtual ms: fixed, or drawn uniformly from [min, max]. */
  latency?: number | readonly [number, number]
  /** Probability that a message is lost. */
  loss?: number
  /** Probability that a message is delivered twice. */
  duplicate?: number
  /** Let messages overtake each other; when false, each directed link is FIFO (like TCP). */
  reorder?: boolean
}

export interface ResolvedLink {
  readonly latencyMin: number
  readonly latencyMax: number
  readonly loss: number
  readonly duplicate: number
  readonly reorder: boolean
}

export const DEFAULT_LINK: ResolvedLink = { latencyMin: 1, latencyMax: 5, loss: 0, duplicate: 0, reorder: false }

export function resolveLink(base: ResolvedLink, patch: LinkConfig | undefined, where: string): ResolvedLink {
  if (patch === undefined) return base
  if (typeof patch !== 'object' || patch === null) throw new TypeError(`${where} must be an object like { latency: [1, 5], loss: 0.1 }`)
  const known = new Set(['latency', 'loss', 'duplicate', 'reorder'])
  for (const key of Object.keys(patch)) {
    if (!known.has(key)) throw new TypeError(`${where}.${key} is not a link setting; use one of: ${[...known].join(', ')}`)
  }
  let { latencyMin, latencyMax } = base
  if (patch.latency !== undefined) {
    const l = patch.latency
    if (typeof l === 'number') [latencyMin, latencyMax] = [l, l]
    else if (Array.isArray(l) && l.length === 2) [latencyMin, latencyMax] = [l[0], l[1]]
    else throw new TypeError(`${where}.latency must be a number of ms or a [min, max] pair`)
    if (!isNonNegative(latencyMin) || !isNonNegative(latencyMax) || latencyMin > latencyMax) {
      throw new TypeError(`${where}.latency must be non-negative ms with min ≤ max (got ${JSON.stringify(l)})`)
    }
  }
  return {
    latencyMin,
    latencyMax,
    loss: probability(patch.loss, base.loss, `${where}.loss`),
    duplicate: probability(patch.duplicate, base.duplicate, `${where}.duplicate`),
    reorder: patch.reorder === undefined ? base.reorder : boolean(patch.reorder, `${where}.reorder`),
  }
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function probability(value: unknown, fallback: number, where: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new TypeError(`${where} must be a probability between 0 and 1 (got ${JSON.stringify(value)})`)
  return value
}

function boolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${where} must be true or false`)
  return value
}

/** `latency 1–5 ms, loss 10%`: a link setting as words, for traces and narration. */
export function describeLink(patch: LinkConfig): string {
  const parts: string[] = []
  const l = patch.latency
  if (l !== undefined) parts.push(typeof l === 'number' ? `latency ${l} ms` : `latency ${l[0]}–${l[1]} ms`)
  if (patch.loss !== undefined) parts.push(`loss ${Math.round(patch.loss * 100)}%`)
  if (patch.duplicate !== undefined) parts.push(`duplicates ${Math.round(patch.duplicate * 100)}%`)
  if (patch.reorder !== undefined) parts.push(patch.reorder ? 'reordering' : 'in order')
  return parts.join(', ') || 'unchanged'
}
