// SHA-1 throughput of the runtime's hash pool against one thread and against the machine's own
// `openssl speed -evp sha1` figure (one core), for 128 B, 64 KiB and 4 MiB parts, measured in
// the same run. Jobs are 4 MiB buffers cut into parts (as a node scanning its file asks), so
// small parts are batched and per-call overhead does not dominate. Targets, with the pool's
// threads (one per core): ≥ 85% of threads × openssl-per-core at 4 MiB, ≥ 55% at 64 KiB.
// A last column shows the ceiling of any message-dispatched design here: bare worker threads
// hashing ranges of a SharedArrayBuffer (no pool, no transfers), and the pool as a share of it.
import { execFileSync } from 'node:child_process'
import { createHash, randomFillSync } from 'node:crypto'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { REPO_ROOT, compileModule, HashPool } from '../runtime/index.ts'
import { kleur } from '../lab/format.ts'
import { percent, saveResult } from './report.ts'

const PART_SIZES = [128, 64 << 10, 4 << 20]
const JOB_BYTES = 4 << 20
/** Rates are measured over MEASURE_MS after WARMUP_MS (threads starting, JIT, first page touches). */
const WARMUP_MS = 500
const MEASURE_MS = 2000
const TARGETS: Record<number, number> = { [64 << 10]: 0.55, [4 << 20]: 0.85 }

interface Row {
  partSize: number
  opensslPerCore: number | null
  oneThread: number
  pool: number
  threads: number
  /** Bare worker threads over a SharedArrayBuffer, as many as the pool has. */
  ceiling: number
  oneThreadVsOpenssl: number | null
  poolVsOpenssl: number | null
  target: number | null
  met: boolean | null
}

/** Bytes per second of `openssl speed -evp sha1` at one block size, on one core; null without openssl. */
function opensslRate(bytes: number): number | null {
  try {
    const out = execFileSync('openssl', ['speed', '-evp', 'sha1', '-bytes', String(bytes), '-seconds', '2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    const match = /^sha1\s+([\d.]+)k/m.exec(out)
    return match ? Number(match[1]) * 1000 : null
  } catch {
    return null
  }
}

function oneThreadRate(data: Uint8Array, partSize: number): number {
  const started = performance.now()
  let bytes = 0
  while (performance.now() - started < 1500) {
    for (let offset = 0; offset < data.length; offset += partSize) createHash('sha1').update(data.subarray(offset, offset + partSize)).digest()
    bytes += data.length
  }
  return (bytes / (performance.now() - started)) * 1000
}

/** Bytes per second completed between the end of the warm-up and the end of the measurement. */
class RateWindow {
  private readonly started = performance.now()
  private mark: { t: number; done: number } | null = null
  private last = { t: 0, done: 0 }

  /** Counts a finished job. */
  complete(bytes: number): void {
    this.last = { t: performance.now(), done: this.last.done + bytes }
    if (!this.mark && this.last.t - this.started >= WARMUP_MS) this.mark = { ...this.last }
  }

  /** True once the measurement is over: stop sending. */
  get over(): boolean {
    return this.mark !== null && this.last.t - this.mark.t >= MEASURE_MS
  }

  rate(): number {
    const mark = this.mark ?? { t: this.started, done: 0 }
    return ((this.last.done - mark.done) / (this.last.t - mark.t)) * 1000
  }
}

/** JOB_BYTES jobs through the pool, 2 in flight per thread, buffers reused as they come back. */
async function poolRate(pool: HashPool, partSize: number): Promise<number> {
  const inFlight = pool.threads * 2
  const buffers = Array.from({ length: inFlight }, () => randomFillSync(new Uint8Array(JOB_BYTES)))
  const window = new RateWindow()
  let id = 0
  const worker = async (buffer: Uint8Array): Promise<void> => {
    let data: Uint8Array | ArrayBuffer = buffer
    while (!window.over) {
      const pending = pool.submit({ id: ++id, data, partSize, algorithm: 'sha1' })
      pool.flush()
      data = (await pending.result()).data
      window.complete(JOB_BYTES)
    }
  }
  await Promise.all(buffers.map(worker))
  return window.rate()
}

/** Bare workers hashing ranges of one SharedArrayBuffer, 2 ranges in flight each. */
async function ceilingRate(threads: number, partSize: number): Promise<number> {
  const entry = await compileModule(join(REPO_ROOT, 'bench', 'sharedHashWorker.ts'))
  const buffer = new SharedArrayBuffer(threads * 2 * JOB_BYTES)
  randomFillSync(new Uint8Array(buffer))
  const workers = Array.from({ length: threads }, () => new Worker(new URL(entry), { workerData: { buffer, partSize }, execArgv: [] }))
  try {
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))))
    const window = new RateWindow()
    await Promise.all(
      workers.map(
        (worker, w) =>
          new Promise<void>((resolve) => {
            let outstanding = 0
            const post = (slot: number): void => {
              if (window.over) return void (outstanding === 0 && resolve())
              outstanding++
              worker.postMessage({ offset: (w * 2 + slot) * JOB_BYTES, length: JOB_BYTES })
            }
            let slot = 0
            worker.on('message', () => {
              outstanding--
              window.complete(JOB_BYTES)
              post(slot++ % 2)
            })
            post(0)
            post(1)
          }),
      ),
    )
    return window.rate()
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

export async function runHashSuite(): Promise<void> {
  const pool = new HashPool()
  console.log(kleur.bold(`SHA-1 verification: the hash pool (${pool.threads} threads) vs one thread vs openssl speed (one core)`))
  console.log(`${'part'.padStart(8)} ${'openssl/core'.padStart(13)} ${'one thread'.padStart(11)} ${'pool'.padStart(11)} ${'1 thread/openssl'.padStart(17)} ${'pool/(threads×openssl)'.padStart(23)} ${'pool/ceiling'.padStart(13)}`)
  const sample = randomFillSync(new Uint8Array(64 << 20))
  const rows: Row[] = []
  try {
    for (const partSize of PART_SIZES) {
      const openssl = opensslRate(partSize)
      const one = oneThreadRate(sample, partSize)
      const viaPool = await poolRate(pool, partSize)
      const ceiling = await ceilingRate(pool.threads, partSize)
      const target = TARGETS[partSize] ?? null
      const poolRatio = openssl ? viaPool / (pool.threads * openssl) : null
      rows.push({ partSize, opensslPerCore: openssl, oneThread: one, pool: viaPool, threads: pool.threads, ceiling, oneThreadVsOpenssl: openssl ? one / openssl : null, poolVsOpenssl: poolRatio, target, met: poolRatio === null || target === null ? null : poolRatio >= target })
      const mb = (rate: number | null): string => (rate === null ? 'n/a' : `${(rate / 1e6).toFixed(0)} MB/s`)
      console.log(
        `${size(partSize).padStart(8)} ${mb(openssl).padStart(13)} ${mb(one).padStart(11)} ${mb(viaPool).padStart(11)} ${(openssl ? percent(one / openssl, undefined, 17) : 'n/a'.padStart(17))} ${poolRatio === null ? 'n/a'.padStart(23) : percent(poolRatio, target ?? undefined, 23)} ${percent(viaPool / ceiling, undefined, 13)}${target ? kleur.gray(` (target ${Math.round(target * 100)}%)`) : ''}`,
      )
    }
  } finally {
    await pool.destroy()
  }
  const judged = rows.filter((r) => r.met !== null)
  if (judged.length) console.log(judged.every((r) => r.met) ? kleur.green('targets met') : kleur.red('a target was missed'))
  else console.log(kleur.yellow('openssl is not installed: no ratios (apt install openssl)'))
  saveResult('hash-throughput', { jobBytes: JOB_BYTES, warmupMs: WARMUP_MS, measureMs: MEASURE_MS, rows })
}

function size(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes >> 20} MiB` : bytes >= 1024 ? `${bytes >> 10} KiB` : `${bytes} B`
}
