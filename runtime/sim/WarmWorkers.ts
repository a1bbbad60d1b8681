// Node workers booted ahead of need. Booting a worker and loading the host (xstate, comlink)
// costs ~30 ms of a core; graders start a fresh cluster per test, so a few workers kept booting
// in the background hide that cost. A worker still serves one node incarnation only: taken from
// the pool, initialized with its node, terminated with it.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { join } from 'node:path'
import { REPO_ROOT, compileModule } from '../build/compileModule.ts'
import { PROGRESS_IDLE } from '../host/protocol.ts'

const WORKER_ENTRY = join(REPO_ROOT, 'runtime', 'host', 'worker.ts')

export interface BootedWorker {
  worker: Worker
  control: MessagePort
  /** [what, t]: see PROGRESS_* in host/protocol.ts. */
  progress: Float64Array
}

export class WarmWorkers {
  private readonly idle: BootedWorker[] = []

  constructor(private readonly size: number) {}

  /** A worker running the host entry, waiting for its node; the pool refills behind it. */
  async take(): Promise<BootedWorker> {
    const entry = await compileModule(WORKER_ENTRY)
    const booted = this.idle.shift() ?? boot(entry)
    booted.worker.ref()
    booted.control.ref()
    setImmediate(() => this.refill(entry))
    return booted
  }

  private refill(entry: string): void {
    while (this.idle.length < this.size) {
      const booted = boot(entry)
      // Idle workers must not keep the process alive.
      booted.worker.unref()
      booted.control.unref()
      this.idle.push(booted)
    }
  }
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
  return { worker, control: port1, progress }
}

/** One pool per process: clusters started one after another share it. */
export const warmWorkers = new WarmWorkers(6)
