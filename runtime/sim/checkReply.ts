// A worker runs student code, so what it says is checked before the simulation believes it: a
// reply that is not the shape the protocol promises, that puts an effect before its batch or at
// or past the batch's horizon, or out of key order, fails that node with a sentence saying so. A
// node that posts its own message on the worker's port gets caught here, not recorded at −5 ms.
import { HASH_ALGORITHMS } from '../node/effects.ts'
import type { HostEffect, StepItem, StepReply } from '../host/protocol.ts'
import { compareKeys } from './keys.ts'

/** Null when `reply` is a well-formed answer to a batch of `items` handled up to `until`; else what is wrong. */
export function replyProblem(reply: unknown, items: readonly StepItem[], until: number): string | null {
  if (typeof reply !== 'object' || reply === null) return 'the reply is not an object'
  const { entries, handled } = reply as Partial<StepReply>
  if (!Array.isArray(entries)) return 'the reply has no entries'
  if (!Number.isInteger(handled) || (handled as number) < 0) return `the reply counts ${String(handled)} events handled`
  const { stamps } = reply as Partial<StepReply>
  if (stamps !== undefined && !(Array.isArray(stamps) && stamps.length === 2 && stamps.every((s) => typeof s === 'number' && Number.isFinite(s)))) return 'the reply has malformed stamps'
  const first = items[0]
  if (!first) return entries.length === 0 ? null : 'effects for an empty batch'
  const itemKeys = new Set(items.map((item) => `${item.t},${item.seq}`))
  let previous: number[] | null = null
  for (const entry of entries as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return 'an entry is not an object'
    const { key, t, effects } = entry as { key?: unknown; t?: unknown; effects?: unknown }
    if (!Array.isArray(key) || key.length < 2 || !key.every((k) => typeof k === 'number' && !Number.isNaN(k))) return 'an entry has no valid key'
    if (typeof t !== 'number' || !Number.isFinite(t) || key[0] !== t) return `an entry's time ${String(t)} is not its key's`
    // Items keep their own keys; a local timer's time lies between the batch's start and its horizon.
    const isItem = key.length === 2 && itemKeys.has(`${t},${key[1]}`)
    if (!isItem && !(t >= first.t && t < until)) return `an effect at virtual time ${t}, outside the batch [${first.t}, ${until})`
    if (previous && compareKeys(previous, key) >= 0) return 'entries out of order'
    previous = key
    if (!Array.isArray(effects)) return 'an entry has no effects'
    for (const effect of effects) {
      const problem = effectProblem(effect, t)
      if (problem) return problem
    }
  }
  return null
}

const isText = (value: unknown): value is string => typeof value === 'string'
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0

function effectProblem(value: unknown, t: number): string | null {
  if (typeof value !== 'object' || value === null) return 'an effect is not an object'
  const effect = value as HostEffect
  const bad = (what: string): string => `a '${effect.kind}' effect ${what}`
  switch (effect.kind) {
    case 'send':
      if (!isText(effect.to)) return bad('has no address')
      if (typeof effect.msg !== 'object' || effect.msg === null || !isText(effect.msg.type)) return bad('carries no message with a string type')
      return null
    case 'pool': {
      const job = effect.job
      if (typeof job !== 'object' || job === null) return bad('has no job')
      if (!isText(job.id) && typeof job.id !== 'number') return bad('has no id')
      if (!(isCount(job.token) && job.token > 0)) return bad('has no token')
      if (!isCount(job.bytes)) return bad('has no byte count')
      if (job.partSize !== undefined && !(isCount(job.partSize) && job.partSize > 0)) return bad('has a bad part size')
      if (!(HASH_ALGORITHMS as readonly string[]).includes(job.algorithm)) return bad('names no known algorithm')
      return null
    }
    case 'app':
      return typeof effect.msg === 'object' && effect.msg !== null && isText(effect.msg.type) ? null : bad('carries no message with a string type')
    case 'print':
      return isText(effect.line) ? null : bad('has no line')
    case 'prompt':
      return isText(effect.text) ? null : bad('has no text')
    case 'log':
      return isText(effect.level) && isText(effect.text) ? null : bad('has no text')
    case 'error':
    case 'limit':
      return isText(effect.message) && isText(effect.event) ? null : bad('has no message')
    case 'timer':
      return isCount(effect.timer) && typeof effect.at === 'number' && effect.at >= t ? null : bad(`is set for ${String(effect.at)}, before its time ${t}`)
    case 'cancel':
    case 'timer.fire':
    case 'timer.cancel':
      return isCount(effect.timer) ? null : bad('names no timer')
    case 'timer.set':
      return isCount(effect.timer) && typeof effect.delay === 'number' && typeof effect.at === 'number' ? null : bad('is malformed')
    case 'write':
      return isText(effect.file) && isCount(effect.offset) && isCount(effect.length) ? null : bad('is malformed')
    case 'synced':
      return isText(effect.file) ? null : bad('names no file')
    case 'state':
      return isText(effect.to) && isText(effect.event) && (effect.from === null || isText(effect.from)) && (effect.actor === undefined || isText(effect.actor)) ? null : bad('is malformed')
    default:
      return `an effect of unknown kind ${JSON.stringify((effect as { kind?: unknown }).kind)}`
  }
}
