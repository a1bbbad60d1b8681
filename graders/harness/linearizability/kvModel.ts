// The sequential specification of a key-value store with put and get, partitioned by key.
import type { Model, Operation } from './types.ts'

export type KvInput = { op: 'put'; key: string; value: string } | { op: 'get'; key: string }
/** A put's output is ignored; a get's is the value read (null: no such key). */
export type KvOutput = { value: string | null } | null
export type KvOperation = Operation<KvInput, KvOutput>

export const kvModel: Model<string | null, KvInput, KvOutput> = {
  init: () => null,
  step(state, input, output) {
    if (input.op === 'put') return { ok: true, state: input.value }
    return { ok: (output?.value ?? null) === state, state }
  },
  partition(history) {
    const byKey = new Map<string, KvOperation[]>()
    for (const op of history) {
      let ops = byKey.get(op.input.key)
      if (!ops) byKey.set(op.input.key, (ops = []))
      ops.push(op)
    }
    return [...byKey.values()]
  },
  key: (state) => (state === null ? '\u0000' : state),
  describe(op) {
    if (op.input.op === 'put') return `put(${op.input.key}, ${JSON.stringify(op.input.value)})${op.return === Infinity ? ' (never answered)' : ''}`
    return `get(${op.input.key}) → ${op.output?.value === null || op.output === null ? 'null' : JSON.stringify(op.output.value)}`
  },
}
