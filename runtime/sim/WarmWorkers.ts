// Node workers booted ahead of need, and reused. Booting a worker costs ~40 ms of a core and a
// grader starts a fresh cluster per test, so the pool keeps a few booted workers ready, and takes
// back the workers of nodes that stop healthy (their cluster stops, or a crash catches them
// between batches): reset, such a worker loads its next node's module as a fresh instance (its own
// module-level state, its own xstate). A failed or hung node's worker, or one caught mid-batch, is
// never reused, and a worker serves at most MAX_USES nodes (each leaves its module instance
// behind in the worker's module map).
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { join } from 'node:path'
import * as Comlink from 'comlink'
import { REPO_ROOT, compileModule } from '../build/compileModule.ts'
import { PROGRESS_IDLE, type HostControl } from '../host/protocol.ts'

const WORKER_ENTRY = join(REPO_ROOT, 'runtime', 'host', 'worker.ts')

const MAX_USES = 16
const MAX_IDLE = 16

export interface BootedWorker {
  worker: Worker
  control: MessagePort
  /**
   * Its control calls, wrapped once for the worker's life: releasing a comlink proxy makes the
   * worker stop listening, so hosts that come and go share this one.
   */
  remote: Comlink.Remote<HostControl>
  /** [what, t]: see PROGRESS_* in host/protocol.ts. */
  progress: Float64Array
  /** Nodes it has served. */
  uses: number
}

export class WarmWorkers {
  private readonly idle: BootedWorker[] = []

  constructor(private readonly size: number) {}

  /** A worker running the host entry, waiting for its node; the pool refills behind it. */
  async take(): Promise<BootedWorker> {
    const entry = await compileModule(WORKER_ENTRY)
    const booted = this.idle.shift() ?? boot(entry)
    booted.uses++
    booted.worker.ref()
    booted.control.ref()
    setImmediate(() => this.refill(entry))
    return booted
  }

  /** Takes back a worker whose host was reset; one that served enough nodes is terminated. */
  release(booted: BootedWorker): void {
    if (booted.uses >= MAX_USES || this.idle.length >= MAX_IDLE) {
      void endWorker(booted)
      return
    }
    this.park(booted)
    this.idle.unshift(booted)
  }

  private refill(entry: string): void {
    while (this.idle.length < this.size) {
      const booted = boot(entry)
      this.park(booted)
      this.idle.push(booted)
    }
  }

  /** Idle workers must not keep the process alive. */
  private park(booted: BootedWorker): void {
    booted.worker.unref()
    booted.control.unref()
    unrefStdioPort(booted.worker)
  }
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

function boot(entry: string): BootedWorker {
  const { port1, port2 } = new MessageChannel()
  const progress = new Float64Array(new SharedArrayBuffer(16))
  progress[0] = PROGRESS_IDLE
  const worker = new Worker(new URL(entry), {
    workerData: { control: port2, progress: progress.buffer },
    transferList: [port2],
    execArgv: ['--enable-source-maps', ...(process.env.DISTLAB_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [])],
    resourceLimits: { maxOldGenerationSizeMb: 2048 },
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
export const warmWorkers = new WarmWorkers(6)
