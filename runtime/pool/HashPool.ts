// The real pool behind the `hash` effect: one piscina pool per process, sized to the machine's
// cores, shared by every cluster. Measured here, a pool task costs ~150–300 µs whatever it
// carries, so jobs (often one small part each) are grouped into tasks of about TASK_BYTES; a
// group goes out when it is full or when the simulation needs one of its answers. At most
// IN_FLIGHT_PER_THREAD tasks per thread are handed to piscina; the rest wait here, in order,
// instead of flooding piscina's queue (`maxQueue: 'auto'` would throw).
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Piscina } from 'piscina'
import { REPO_ROOT, compileModule } from '../build/compileModule.ts'
import { workerExecArgv } from '../host/workerFlags.ts'
import type { PoolJobRequest } from '../host/protocol.ts'
import type { HashTaskJob, HashTaskResult } from './hashTask.ts'
import { bufferOf } from '../host/transferables.ts'

export const TASK_ENTRY = join(REPO_ROOT, 'runtime', 'pool', 'hashTask.ts')
export const TASK_BYTES = 1 << 20
const IN_FLIGHT_PER_THREAD = 2

export interface HashResult {
  digests: string[]
  data: Uint8Array | ArrayBuffer
}

interface Waiting {
  job: HashTaskJob
  resolve(result: HashResult): void
  reject(err: Error): void
}

interface Group {
  jobs: Waiting[]
  bytes: number
  sent: boolean
}

/** A submitted job: `result()` asks for its answer (sending its group out if it still waits). */
export interface PendingHash {
  readonly bytes: number
  result(): Promise<HashResult>
}

export class HashPool {
  private piscina: Promise<Piscina<HashTaskJob[], HashTaskResult>> | null = null
  private open: Group | null = null
  private readonly ready: Group[] = []
  private running = 0
  /** Tasks run and bytes hashed, for the benchmark. */
  readonly stats = { tasks: 0, jobs: 0, bytes: 0 }

  constructor(readonly threads: number = availableParallelism()) {}

  submit(request: PoolJobRequest): PendingHash {
    const group = (this.open ??= { jobs: [], bytes: 0, sent: false })
    const job: HashTaskJob = request.partSize === undefined ? { data: request.data, algorithm: request.algorithm } : { data: request.data, partSize: request.partSize, algorithm: request.algorithm }
    const answer = new Promise<HashResult>((resolve, reject) => group.jobs.push({ job, resolve, reject }))
    answer.catch(() => {})
    const bytes = request.data.byteLength
    group.bytes += bytes
    if (group.bytes >= TASK_BYTES) this.dispatch(group)
    return {
      bytes,
      result: () => {
        if (!group.sent) this.dispatch(group)
        return answer
      },
    }
  }

  /** Sends out every job still grouped: for callers that will want all answers (the benchmark). */
  flush(): void {
    if (this.open) this.dispatch(this.open)
  }

  private dispatch(group: Group): void {
    if (group.sent) return
    group.sent = true
    if (this.open === group) this.open = null
    this.ready.push(group)
    this.pump()
  }

  private pump(): void {
    while (this.running < this.threads * IN_FLIGHT_PER_THREAD && this.ready.length > 0) {
      const group = this.ready.shift() as Group
      this.running++
      void this.run(group).finally(() => {
        this.running--
        this.pump()
      })
    }
  }

  private async run(group: Group): Promise<void> {
    const jobs = group.jobs.map((w) => w.job)
    try {
      const pool = await this.pool()
      const transferList = [...new Set(jobs.map((j) => bufferOf(j.data)))]
      const result = await pool.run(jobs, { transferList })
      this.stats.tasks++
      this.stats.jobs += jobs.length
      this.stats.bytes += group.bytes
      group.jobs.forEach((w, i) => w.resolve({ digests: result.digests[i] as string[], data: result.data[i] as Uint8Array | ArrayBuffer }))
    } catch (err) {
      const failure = new Error(`the hash pool failed: ${err instanceof Error ? err.message : String(err)}`)
      for (const w of group.jobs) w.reject(failure)
    }
  }

  private pool(): Promise<Piscina<HashTaskJob[], HashTaskResult>> {
    this.piscina ??= compileModule(TASK_ENTRY, { external: ['piscina'] }).then(
      // No execArgv keeps the parent's loaders (tsx) out of the pool's threads: the task is plain JS
      // (under the permission model the threads inherit it instead: see workerFlags.ts).
      // atomics 'disabled': with two tasks per thread, piscina's Atomics.wait hand-off left the
      // threads idle between tasks; plain messages took 4 MiB parts from ~81% to 85–90% of
      // 2 × openssl-per-core here (npm run bench hash).
      (filename) => new Piscina<HashTaskJob[], HashTaskResult>({ filename, minThreads: this.threads, maxThreads: this.threads, maxQueue: 'auto', idleTimeout: 60_000, ...workerExecArgv([]), concurrentTasksPerWorker: IN_FLIGHT_PER_THREAD, atomics: 'disabled' }),
    )
    return this.piscina
  }

  /** Stops the threads (the benchmark sizes its own pools); idle threads never hold a process open. */
  async destroy(): Promise<void> {
    const pool = this.piscina
    this.piscina = null
    if (pool) await (await pool).destroy()
  }
}

let shared: HashPool | null = null

/** The process's pool, created on first use. */
export function sharedHashPool(): HashPool {
  shared ??= new HashPool()
  return shared
}
