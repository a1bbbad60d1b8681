// A Porcupine-style linearizability checker: Wing & Gong's search as improved by Lowe, with
// memoization of (operations linearized, model state), run per partition, under a step budget
// that answers `unknown` instead of hanging on a history too large to decide.
import type { CheckResult, Model, Operation } from './types.ts'

interface Entry {
  op: number
  isCall: boolean
  time: number
  prev: Entry | null
  next: Entry | null
  /** A call's return entry. */
  match: Entry | null
}

export interface CheckOptions {
  /** Search steps allowed in all (default 2 million). */
  budget?: number
}

type Verdict = 'ok' | 'illegal' | 'unknown'

export function checkLinearizability<S, I, O>(model: Model<S, I, O>, history: Array<Operation<I, O>>, options: CheckOptions = {}): CheckResult<I, O> {
  const budget = { left: options.budget ?? 2_000_000 }
  const partitions = model.partition ? model.partition(history) : [history]
  let unknown = false
  for (const part of partitions) {
    const verdict = search(model, part, budget)
    if (verdict === 'unknown') unknown = true
    if (verdict === 'illegal') return explain(model, part, budget)
  }
  return unknown ? { result: 'unknown', reason: 'the search ran out of its step budget' } : { result: 'ok' }
}

function search<S, I, O>(model: Model<S, I, O>, ops: Array<Operation<I, O>>, budget: { left: number }): Verdict {
  if (ops.length === 0) return 'ok'
  const head = buildList(ops)
  const linearized = new Uint8Array(ops.length)
  const seen = new Set<string>()
  const stack: Array<{ entry: Entry; state: S }> = []
  let state = model.init()
  let entry = head.next
  while (head.next !== null) {
    if (--budget.left < 0) return 'unknown'
    if (entry && entry.isCall) {
      const op = ops[entry.op] as Operation<I, O>
      const next = model.step(state, op.input, op.output)
      if (next.ok) {
        linearized[entry.op] = 1
        const key = `${bitsKey(linearized)}|${model.key(next.state)}`
        if (!seen.has(key)) {
          seen.add(key)
          stack.push({ entry, state })
          state = next.state
          lift(entry)
          entry = head.next
          continue
        }
        linearized[entry.op] = 0
      }
      entry = entry.next
    } else {
      // A return reached before its call could be placed (or nothing left to try): undo the last choice.
      const top = stack.pop()
      if (!top) return 'illegal'
      state = top.state
      linearized[top.entry.op] = 0
      unlift(top.entry)
      entry = top.entry.next
    }
  }
  return 'ok'
}

/** Calls and returns in time order (a call before a return at the same time: concurrent). */
function buildList<I, O>(ops: Array<Operation<I, O>>): Entry {
  const entries: Entry[] = []
  ops.forEach((op, i) => {
    const call: Entry = { op: i, isCall: true, time: op.call, prev: null, next: null, match: null }
    const ret: Entry = { op: i, isCall: false, time: op.return, prev: null, next: null, match: null }
    call.match = ret
    entries.push(call, ret)
  })
  entries.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1))
  const head: Entry = { op: -1, isCall: false, time: -Infinity, prev: null, next: null, match: null }
  let prev = head
  for (const e of entries) {
    prev.next = e
    e.prev = prev
    prev = e
  }
  return head
}

/** Takes a call and its return out of the list. */
function lift(call: Entry): void {
  unlink(call)
  if (call.match) unlink(call.match)
}

/** Puts them back where they were (in reverse order of lifting). */
function unlift(call: Entry): void {
  if (call.match) relink(call.match)
  relink(call)
}

function unlink(e: Entry): void {
  if (e.prev) e.prev.next = e.next
  if (e.next) e.next.prev = e.prev
}

function relink(e: Entry): void {
  if (e.prev) e.prev.next = e
  if (e.next) e.next.prev = e
}

function bitsKey(bits: Uint8Array): string {
  let key = ''
  for (let i = 0; i < bits.length; i += 16) {
    let word = 0
    for (let j = 0; j < 16 && i + j < bits.length; j++) word |= (bits[i + j] as number) << j
    key += String.fromCharCode(word + 0x100)
  }
  return key
}

/**
 * The shortest prefix of the partition, by return time, that is already not linearizable.
 * Linearizability is closed under such prefixes (an operation that had not returned may be
 * dropped), so a binary search finds it, and the operation returning last in it is the culprit.
 */
function explain<S, I, O>(model: Model<S, I, O>, ops: Array<Operation<I, O>>, budget: { left: number }): CheckResult<I, O> {
  const byReturn = ops.filter((op) => op.return !== Infinity).sort((a, b) => a.return - b.return || a.call - b.call)
  let lo = 1
  let hi = byReturn.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (search(model, byReturn.slice(0, mid), { left: Math.max(budget.left, 100_000) }) === 'illegal') hi = mid
    else lo = mid + 1
  }
  const prefix = byReturn.slice(0, lo)
  const culprit = prefix[prefix.length - 1] as Operation<I, O>
  // Show the culprit with the operations just before it: what it cannot be reconciled with.
  const shown = prefix.slice(-12).sort((a, b) => a.call - b.call || a.return - b.return)
  const lines = shown.map((op) => `${op === culprit ? '→' : ' '} [${fmt(op.call)}, ${fmt(op.return)}] ${op.client}: ${model.describe(op)}`)
  const explanation =
    `no order of these operations matches both their timing and the sequential specification` +
    `${prefix.length > shown.length ? ` (the last ${shown.length} of ${prefix.length})` : ''}; ` +
    `the history is fine until the marked one returns:\n${lines.join('\n')}`
  return { result: 'illegal', witness: prefix, culprit, explanation }
}

function fmt(ms: number): string {
  return ms === Infinity ? '∞' : `${ms}ms`
}
