// Main-thread side: node workers (worker.ts) booted ahead of need, for WorkerHost. Booting a worker
// costs ~40 ms of a core and a grader starts fresh clusters per test, so a few booted workers wait
// ready.
//
// Under the permission model (the grading sandbox, untrusted code) a worker serves exactly one
// node incarnation and is then terminated: reused, it would carry the last node's globalThis
// into the next (a crashed node would keep its memory; one test's node could leave state for the
// next test's). In trusted runs (npm test, lab scenarios, grade --trusted) a worker whose node
// stopped healthy is reset and serves another, which imports its module under a new URL as a
// fresh instance with fresh seeded globals and confinement: grader tests start thousands of
// nodes, and a reused worker makes that ~2.5× cheaper here. A failed or hung node's worker, or
// one caught mid-batch, is never reused, and a worker serves at most MAX_USES nodes.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { join } from 'node:path'
import * as Comlink from 'comlink'
import { REPO_ROOT, compileModule } from '../build/compileModule.ts'
import { PROGRESS_IDLE, type HostControl } from './protocol.ts'
import { underPermissionModel, workerExecArgv } from './workerFlags.ts'
import { NODE_LIMITS } from '../sim/options.ts'

const WORKER_ENTRY = join(REPO_ROOT, 'runtime', 'host', 'worker.ts')
const MAX_USES = 16
const MAX_IDLE = 16

export interface BootedWorker {
  worker: Worker
  control: MessagePort
  /** Its control calls (comlink), released when the worker ends (see endWorker). */
  remote: Comlink.Remote<HostControl>
  /** [what, t]: see PROGRESS_* in host/protocol.ts. */
  progress: Float64Array
  /** Nodes it has served. */
  uses: number
}

export class WarmWorkers {
  /** Idle booted workers, by their JS heap limit in MiB. */
  private readonly idle = new Map<number, BootedWorker[]>()

  /** Whether healthy workers serve again: never under the permission model (untrusted code). */
  readonly reuse = !underPermissionModel()

  /** `size` workers with the usual heap limit (`heapMb`) wait booted; other limits boot on demand. */
  constructor(
    private readonly size: number,
    private readonly heapMb: number,
  ) {}

  /** The module every node worker runs (the sandbox's parent compiles it ahead). */
  static readonly entry = WORKER_ENTRY

  /** A worker running the host entry with a heap limit of `heapMb`, waiting for its node. */
  async take(heapMb: number): Promise<BootedWorker> {
    const entry = await compileModule(WORKER_ENTRY)
    let idle = this.idle.get(heapMb)
    if (!idle) this.idle.set(heapMb, (idle = []))
    const booted = idle.shift() ?? boot(entry, heapMb)
    booted.uses++
    booted.worker.ref()
    booted.control.ref()
    // Only the usual limit is booted ahead: a run's reduced limit would leave idle workers behind.
    if (heapMb === this.heapMb) setImmediate(() => this.refill(entry, heapMb))
    return booted
  }

  /** Takes back a worker whose host was reset (trusted runs); one that served enough nodes ends. */
  release(booted: BootedWorker, heapMb: number): void {
    const idle = this.idle.get(heapMb) ?? []
    if (!this.reuse || booted.uses >= MAX_USES || idle.length >= MAX_IDLE) {
      void endWorker(booted)
      return
    }
    park(booted)
    idle.unshift(booted)
    this.idle.set(heapMb, idle)
  }

  private refill(entry: string, heapMb: number): void {
    const idle = this.idle.get(heapMb) ?? []
    while (idle.length < this.size) {
      const booted = boot(entry, heapMb)
      park(booted)
      idle.push(booted)
    }
  }
}

/** Idle workers must not keep the process alive. */
function park(booted: BootedWorker): void {
  booted.worker.unref()
  booted.control.unref()
  unrefStdioPort(booted.worker)
}

/**
 * Terminates a worker, releasing its comlink proxy first. Left to the garbage collector, comlink
 * releases a dropped proxy from a FinalizationRegistry callback that calls Math.random (for a
 * message id) at whatever moment GC picks: inside an inline node's module load, that draw came
 * from the node's seeded stream and changed its run. Released here, it happens at a fixed point.
 */
export function endWorker(booted: BootedWorker): Promise<number> {
  booted.remote[Comlink.releaseProxy]()
  return booted.worker.terminate()
}

function boot(entry: string, heapMb: number): BootedWorker {
  const { port1, port2 } = new MessageChannel()
  const progress = new Float64Array(new SharedArrayBuffer(16))
  progress[0] = PROGRESS_IDLE
  const worker = new Worker(new URL(entry), {
    workerData: { control: port2, progress: progress.buffer },
    transferList: [port2],
    ...workerExecArgv(['--enable-source-maps', ...(process.env.DISTLAB_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [])]),
    // The JS heap is bounded here; Buffers and ArrayBuffers by the host (HostLimits.buffersMb).
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, heapMb / 8)) },
    env: {},
    stdout: true,
    stderr: true,
  })
  return { worker, control: port1, remote: Comlink.wrap<HostControl>(port1 as unknown as Comlink.Endpoint), progress, uses: 0 }
}

/**
 * Once a worker's stdout or stderr has been read, Node keeps the worker's internal port (the one
 * its stdio travels on) referenced until the worker exits, and `worker.unref()` leaves it alone.
 * A parked worker must not hold the process open, so that port is released by hand (Node 20's
 * `kPort`; where it is not found, an idle pool only delays exit until its workers are retired).
 */
function unrefStdioPort(worker: Worker): void {
  const key = Object.getOwnPropertySymbols(worker).find((s) => s.description === 'kPort')
  const port = key ? (worker as unknown as Record<symbol, { unref?: () => void } | undefined>)[key] : undefined
  port?.unref?.()
}

/** One pool per process: clusters started one after another share it. */
export const warmWorkers = new WarmWorkers(6, NODE_LIMITS.heapMb)
