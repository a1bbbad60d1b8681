// `--faults SPEC`: a fault plan in one command-line word (grammar in docs/disk-emulator.md).
//   429@3                the 3rd API request answers 429 (Retry-After: 1)
//   429@copy#1:5         the 1st copy answers 429 with Retry-After: 5
//   503@2-4  500@10%     the 2nd to 4th API requests; a seeded 10% of them
//   500@download#1       the 1st download answers 500 (the download host's HTML page)
//   202@upload#1         the 1st upload is accepted and lands only after the operation time
//   delay@meta#*:300     every metadata request waits 300 ms more
//   reset-download@1:4096, reset-upload@2:1000   cut the 1st download / 2nd upload after N bytes
//   fail-op@1            the 1st asynchronous operation ends `failed`
//   slow-ops:5000  latency:200  seed:7
import { DistlabError } from '../../../runtime/index.ts'
import { ENDPOINTS, type FaultPlan, type FaultRule, type When } from './faults.ts'

export const FAULTS_SYNTAX = 'KIND@[TARGET#]WHEN[:ARG], e.g. 429@3, 503@copy#2, reset-download@1:4096, fail-op@1, slow-ops:5000, latency:200, seed:7'

const KINDS = ['delay', 'reset-upload', 'reset-download', 'fail-op'] as const

export function parseFaults(spec: string): FaultPlan {
  const plan: FaultPlan = { rules: [] }
  for (const item of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const setting = /^(latency|slow-ops|seed):(\d+)$/.exec(item)
    if (setting) {
      const value = Number(setting[2])
      if (setting[1] === 'latency') plan.latencyMs = value
      else if (setting[1] === 'slow-ops') plan.opDurationMs = value
      else plan.seed = value
      continue
    }
    plan.rules?.push(parseRule(item))
  }
  return plan
}

function parseRule(item: string): FaultRule {
  const bad = (why: string): DistlabError => new DistlabError('BAD_INPUT', `--faults: '${item}' ${why}; write ${FAULTS_SYNTAX}`)
  const at = item.indexOf('@')
  if (at < 0) throw bad('is not a fault')
  const kind = item.slice(0, at)
  const m = /^(?:(.+)#)?([^:#]+)(?::(\d+))?$/.exec(item.slice(at + 1))
  if (!m) throw bad('is not a fault')
  const [, target, whenText, argText] = m
  const when = parseWhen(whenText as string)
  if (!when) throw bad(`has no valid WHEN ('${whenText}': use N, N-M, N+, * or P%)`)
  const arg = argText === undefined ? undefined : Number(argText)
  if (target !== undefined && !(target === 'any' || target === 'api' || target.startsWith('/') || (ENDPOINTS as readonly string[]).includes(target))) {
    throw bad(`names no target '${target}' (any, api, ${ENDPOINTS.join(', ')}, or a path like /v1/disk/resources/*)`)
  }
  if (/^\d{3}$/.test(kind)) {
    const status = Number(kind)
    if (status === 202) {
      if (target !== 'upload') throw bad('is a 202, which only an upload answers; write 202@upload#N')
    } else if (status < 400 || status > 599) throw bad(`asks for status ${status}; a fault answers 400 to 599 (or 202@upload#N)`)
    return { kind: 'status', status, target: target ?? 'api', when, ...(arg === undefined ? {} : { arg }) }
  }
  if (!(KINDS as readonly string[]).includes(kind)) throw bad(`has no kind '${kind}' (a status like 429, or ${KINDS.join(', ')})`)
  const ruleKind = kind as (typeof KINDS)[number]
  if (ruleKind !== 'fail-op' && arg === undefined) throw bad(ruleKind === 'delay' ? 'needs :MS, the extra delay' : 'needs :BYTES, where to cut the connection')
  const own = ruleKind === 'reset-upload' ? 'upload' : ruleKind === 'reset-download' ? 'download' : undefined
  if (own && target !== undefined && target !== own) throw bad(`cuts ${own}s only; drop '${target}#'`)
  return { kind: ruleKind, target: own ?? target ?? 'api', when, ...(arg === undefined ? {} : { arg }) }
}

function parseWhen(text: string): When | undefined {
  if (text === '*') return { kind: 'every' }
  let m = /^(\d+)$/.exec(text)
  if (m && Number(m[1]) >= 1) return { kind: 'nth', from: Number(m[1]), to: Number(m[1]) }
  m = /^(\d+)-(\d+)$/.exec(text)
  if (m && Number(m[1]) >= 1 && Number(m[2]) >= Number(m[1])) return { kind: 'nth', from: Number(m[1]), to: Number(m[2]) }
  m = /^(\d+)\+$/.exec(text)
  if (m && Number(m[1]) >= 1) return { kind: 'nth', from: Number(m[1]), to: Number.POSITIVE_INFINITY }
  m = /^(\d+(?:\.\d+)?)%$/.exec(text)
  if (m && Number(m[1]) <= 100) return { kind: 'percent', percent: Number(m[1]) }
  return undefined
}
