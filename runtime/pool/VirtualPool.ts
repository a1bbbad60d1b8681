// When a pool job's answer arrives, in virtual time: a fixed number of virtual threads hashing at
// a fixed rate, each job on the thread that frees first. Decided when the job is submitted, from
// its size alone, so runs stay deterministic whatever the real pool's speed.
import { roundMicros } from '../virtualTime.ts'

export interface PoolConfig {
  /** Virtual threads sharing the work of every node (default 2). */
  threads?: number
  /** Bytes one virtual thread hashes per virtual ms (default 1 000 000, about 1 GB/s). */
  bytesPerMs?: number
  /** Virtual ms every job costs besides its bytes (default 0.02). */
  overheadMs?: number
}

export const POOL_DEFAULTS: Required<PoolConfig> = { threads: 2, bytesPerMs: 1_000_000, overheadMs: 0.02 }

export function validatePoolConfig(config: PoolConfig | undefined, where: string): Required<PoolConfig> {
  if (config === undefined) return POOL_DEFAULTS
  if (typeof config !== 'object' || config === null) throw new TypeError(`${where} must be an object like { threads: 2, bytesPerMs: 1e6 }`)
  for (const key of Object.keys(config)) if (!(key in POOL_DEFAULTS)) throw new TypeError(`${where}.${key} is not a pool setting; use threads, bytesPerMs or overheadMs`)
  const valid = { ...POOL_DEFAULTS, ...config }
  if (!(Number.isInteger(valid.threads) && valid.threads >= 1)) throw new TypeError(`${where}.threads must be a positive integer`)
  if (!(valid.bytesPerMs > 0 && Number.isFinite(valid.bytesPerMs))) throw new TypeError(`${where}.bytesPerMs must be a positive number`)
  if (!(valid.overheadMs >= 0 && Number.isFinite(valid.overheadMs))) throw new TypeError(`${where}.overheadMs must be a non-negative number`)
  return valid
}

export class VirtualPool {
  private readonly free: number[]

  constructor(private readonly config: Required<PoolConfig>) {
    this.free = new Array<number>(config.threads).fill(0)
  }

  /** The virtual time a job of `bytes` submitted at `now` is done. */
  finish(now: number, bytes: number): number {
    let thread = 0
    for (let i = 1; i < this.free.length; i++) if ((this.free[i] as number) < (this.free[thread] as number)) thread = i
    const start = Math.max(now, this.free[thread] as number)
    const done = roundMicros(start + this.config.overheadMs + bytes / this.config.bytesPerMs)
    this.free[thread] = done
    return done
  }
}
