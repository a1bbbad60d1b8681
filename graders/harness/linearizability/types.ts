// A history is what clients saw: each operation's input, its output, and when it was called and
// returned (virtual ms). An operation that never returned has `return: Infinity` (it may or may
// not have taken effect).

export interface Operation<I, O> {
  client: string
  input: I
  output: O
  call: number
  return: number
}

/** The sequential specification the history is checked against (Porcupine's Model). */
export interface Model<S, I, O> {
  init(): S
  /** Whether `input` applied in `state` may produce `output`, and the state after it. */
  step(state: S, input: I, output: O): { ok: boolean; state: S }
  /** Independent sub-histories (for a key-value store: one per key); default: the whole. */
  partition?(history: Array<Operation<I, O>>): Array<Array<Operation<I, O>>>
  /** A string that equals for equal states: the search memoizes on it. */
  key(state: S): string
  describe(op: Operation<I, O>): string
}

export type CheckResult<I, O> =
  | { result: 'ok' }
  | {
      result: 'illegal'
      /** The shortest prefix (operations ordered by return) of one partition that is already illegal. */
      witness: Array<Operation<I, O>>
      /** The operation whose return made the prefix illegal. */
      culprit: Operation<I, O>
      explanation: string
    }
  | { result: 'unknown'; reason: string }
