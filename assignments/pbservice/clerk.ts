// The pbservice client library ("clerk"), run by graders and scenarios: it asks the coordinator
// who the master is, caches the answer, and retries on errors and timeouts until its operation
// is done. Every operation is recorded with its call and return times (virtual ms) for the
// linearizability checker; one that never finishes keeps return = Infinity.
import { CallTimeout, type ClientHandle, type Cluster } from '../../runtime/index.ts'
import type { KvOperation } from '../../graders/harness/linearizability/index.ts'
import { DEFAULT_TICK_INTERVAL, type ErrorReply, type GetOk, type PutOk } from './messages.ts'

export interface ClerkOptions {
  /** The coordinator's name or address. */
  coordinator: string
  tickInterval?: number
  /** Where operations are recorded (shared by the clerks of a test). */
  history?: KvOperation[]
  /** Virtual ms after which an operation is abandoned (default 10 s). */
  giveUpAfter?: number
}

type Answer = PutOk | GetOk | ErrorReply

export class Clerk {
  readonly client: ClientHandle
  private master: string | null = null
  private seq = 0
  private rid = 0
  private readonly tick: number

  constructor(
    private readonly cluster: Cluster,
    readonly name: string,
    private readonly options: ClerkOptions,
  ) {
    this.client = cluster.client(name, { role: 'clerk' })
    this.tick = options.tickInterval ?? DEFAULT_TICK_INTERVAL
  }

  /** Writes `value` under `key`; false if it gave up (the put may or may not have happened). */
  async put(key: string, value: string): Promise<boolean> {
    const seq = ++this.seq
    const op: KvOperation = { client: this.name, input: { op: 'put', key, value }, output: null, call: this.cluster.now, return: Infinity }
    this.options.history?.push(op)
    const answer = await this.until((rid) => ({ type: 'PUT', key, value, client: this.name, seq, rid }), 'PUT_OK')
    if (answer) op.return = this.cluster.now
    return answer !== null
  }

  /** The value under `key` (null: none), or undefined if it gave up. */
  async get(key: string): Promise<string | null | undefined> {
    const call = this.cluster.now
    const answer = await this.until((rid) => ({ type: 'GET', key, rid }), 'GET_OK')
    if (!answer || answer.type !== 'GET_OK') return undefined
    this.options.history?.push({ client: this.name, input: { op: 'get', key }, output: { value: answer.value }, call, return: this.cluster.now })
    return answer.value
  }

  /** Who the coordinator says is master (null: nobody, or no answer). */
  async askMaster(): Promise<string | null> {
    try {
      const answer = await this.client.call<{ type: string; master?: string | null }>(this.options.coordinator, { type: 'MASTER' }, { timeout: this.tick, match: (r) => r.type === 'MASTER_IS' })
      return answer.master ?? null
    } catch (err) {
      if (err instanceof CallTimeout) return null
      throw err
    }
  }

  private async until(request: (rid: number) => Record<string, unknown> & { type: string }, done: Answer['type']): Promise<Answer | null> {
    const deadline = this.cluster.now + (this.options.giveUpAfter ?? 10_000)
    while (this.cluster.now < deadline) {
      this.master ??= await this.askMaster()
      if (this.master) {
        const rid = ++this.rid
        try {
          const answer = await this.client.call<Answer>(this.master, request(rid), { timeout: 3 * this.tick, match: (r) => r.rid === rid })
          if (answer.type === done) return answer
        } catch (err) {
          if (!(err instanceof CallTimeout)) throw err
        }
      }
      // An error, no answer or no master: ask again after a tick.
      this.master = null
      await this.cluster.sleep(this.tick)
    }
    return null
  }
}
