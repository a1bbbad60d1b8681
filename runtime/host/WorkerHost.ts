// Main-thread side: the handle on a node incarnation in its own worker thread (worker.ts). Batches
// go over parentPort; init and inspect over comlink. A hung batch is caught by a watchdog on wall
// and CPU time (cpuDeadline: a busy machine delays it, never trips it) that reads which event the
// worker was in from a shared progress cell, so the report names the event, not just the node.
import type { Worker } from 'node:worker_threads'
import * as Comlink from 'comlink'
import { DistlabError, NodeFailure, messageOf } from '../errors.ts'
import { cpuDeadline, HARD_CAP, type Deadline } from '../cpuDeadline.ts'
import { transferablesOf } from './transferables.ts'
import { PROGRESS_TIMER, type HostControl, type HostInit, type NodeSnapshot, type StepItem, type StepReply, type StepRequest, type TornWrite } from './protocol.ts'
import type { HostHandle, HostOptions } from './HostHandle.ts'
import { endWorker, warmWorkers, type BootedWorker } from './WarmWorkers.ts'

const OUTPUT_TAIL = 4000

interface PendingStep {
  items: StepItem[]
  resolve(reply: StepReply): void
  reject(err: Error): void
  watchdog: Deadline
}

export class WorkerHost implements HostHandle {
  private pending: PendingStep | null = null
  private dead: string | null = null
  private terminated = false
  private exited: Promise<void> = Promise.resolve()
  /** Rejects when the worker dies or is terminated: control calls race it. */
  private readonly gone: Promise<never>
  private markGone!: (err: Error) => void
  private output = ''

  private readonly worker: Worker
  private readonly progress: Float64Array
  private readonly detach: () => void

  private constructor(
    private readonly name: string,
    private readonly booted: BootedWorker,
    private readonly control: Comlink.Remote<HostControl>,
    private readonly options: HostOptions,
  ) {
    const worker = (this.worker = booted.worker)
    this.progress = booted.progress
    this.gone = new Promise<never>((_, reject) => (this.markGone = reject))
    this.gone.catch(() => {})
    const onMessage = (reply: StepReply): void => this.onReply(reply)
    const onError = (err: Error): void =>
      this.die((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? `went over its JS heap limit of ${options.heapMb} MiB (the worker ran out of memory)` : `crashed: ${messageOf(err)}`)
    const onExit = (code: number): void => this.die(`exited with code ${code}`)
    const onOutput = (chunk: string): void => {
      this.output = (this.output + chunk).slice(-OUTPUT_TAIL)
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    for (const stream of [worker.stdout, worker.stderr]) {
      stream.setEncoding('utf8')
      stream.on('data', onOutput)
    }
    // A worker that goes back to the pool must not keep calling into this host.
    this.detach = () => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
      for (const stream of [worker.stdout, worker.stderr]) stream.off('data', onOutput)
    }
  }

  static async spawn(init: HostInit, moduleUrl: string, options: HostOptions): Promise<WorkerHost> {
    const booted = await warmWorkers.take(options.heapMb)
    const host = new WorkerHost(init.name, booted, booted.remote, options)
    try {
      await Promise.race([booted.remote.init(init, moduleUrl), host.gone, timeout(options.stepTimeoutMs * 2, 'loading the module took too long (an endless loop at its top level?)')])
    } catch (err) {
      void host.terminate()
      const exited = /^node '.*?' exited with code (\d+)/.exec(messageOf(err))
      if (exited) throw new DistlabError('NODE_LOAD', `the module ended its worker while loading (process.exit(${exited[1]})?); a node module must not exit`)
      throw new DistlabError('NODE_LOAD', messageOf(err).replace(/^node '.*?' /, 'the worker '))
    }
    return host
  }

  step(request: StepRequest): Promise<StepReply> {
    if (this.dead) return Promise.reject(new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' ${this.dead}`))
    // Once stopped, nothing more goes to it from here.
    if (this.terminated) return Promise.reject(new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' was stopped`))
    return new Promise<StepReply>((resolve, reject) => {
      const watchdog = cpuDeadline(this.options.stepTimeoutMs, (byCap) => this.hung(byCap))
      this.pending = { items: request.items, resolve, reject, watchdog }
      const transfer = request.items.flatMap((item) => (item.kind === 'deliver' && item.transfer ? transferablesOf(item.msg) : item.kind === 'event' && item.transfer ? transferablesOf(item.event) : []))
      this.worker.postMessage(request, transfer)
    })
  }

  async inspect(): Promise<NodeSnapshot> {
    if (this.dead || this.terminated) throw new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' is not running`)
    return Promise.race([this.control.inspect(), this.gone, timeout(this.options.stepTimeoutMs, `node '${this.name}' did not answer an inspect within ${this.options.stepTimeoutMs} ms`)])
  }

  async tear(write: TornWrite, cut: number): Promise<void> {
    if (this.dead || this.terminated || this.pending) throw new Error(this.dead ? `its worker ${this.dead}` : this.pending ? 'it was handling a batch' : 'its worker was already stopped')
    await Promise.race([this.control.tear(write, cut), this.gone, timeout(this.options.stepTimeoutMs, `node '${this.name}' did not tear its last write within ${this.options.stepTimeoutMs} ms`)])
  }

  /**
   * Ends this node's use of a healthy worker: where workers are reused (trusted runs), the worker
   * goes back to the pool, reset; otherwise, or if anything is doubtful (dead, hung, a batch in
   * flight, no answer to the reset), it is terminated.
   */
  async retire(): Promise<void> {
    if (!warmWorkers.reuse || this.terminated || this.dead || this.pending) return this.terminate()
    this.terminated = true
    try {
      await Promise.race([this.control.reset(), this.gone, timeout(this.options.stepTimeoutMs, 'reset took too long')])
    } catch {
      this.terminated = false
      return this.terminate()
    }
    this.detach()
    warmWorkers.release(this.booted, this.options.heapMb)
  }

  /** Stops the worker; resolves once its thread has exited (its files are closed). */
  terminate(): Promise<void> {
    if (this.terminated) return this.exited
    this.terminated = true
    this.markGone(new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' was stopped`))
    const pending = this.pending
    this.pending = null
    if (pending) {
      // A batch in flight when the node is crashed or the cluster stopped: reject it now, so its
      // watchdog does not keep the process alive and nothing waits on a dead thread.
      pending.watchdog.cancel()
      pending.reject(new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' was stopped while handling its events`))
    }
    this.exited = endWorker(this.booted).then(
      () => undefined,
      () => undefined,
    )
    return this.exited
  }

  private onReply(reply: StepReply): void {
    const pending = this.pending
    if (!pending) return
    this.pending = null
    pending.watchdog.cancel()
    pending.resolve(reply)
  }

  private hung(byCap: boolean): void {
    const pending = this.pending
    if (!pending) return
    const [index, t] = [this.progress[0] as number, this.progress[1] as number]
    const item = index >= 0 ? pending.items[index] : undefined
    const first = pending.items[0]
    const what = item ? describeItem(item) : index === PROGRESS_TIMER ? `a timer at t=${t}` : 'its events'
    const at = item ? [item.t, item.seq] : index === PROGRESS_TIMER ? [t, Infinity] : first ? [first.t, first.seq] : undefined
    this.pending = null
    pending.watchdog.cancel()
    this.terminate()
    pending.reject(
      new NodeFailure('NODE_HUNG', this.name, `node '${this.name}' did not finish handling ${what} ${byCap ? `within ${this.options.stepTimeoutMs * HARD_CAP} ms of wall time` : `within ${this.options.stepTimeoutMs} ms of wall and CPU time`} (an endless loop?)`, at),
    )
  }

  private die(reason: string): void {
    if (this.terminated || this.dead) return
    this.dead = reason + (this.output ? `; its last output:\n${this.output.trimEnd()}` : '')
    const first = this.pending?.items[0]
    const failure = new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' ${this.dead}`, first ? [first.t, first.seq] : undefined)
    this.markGone(failure)
    const pending = this.pending
    this.pending = null
    if (pending) {
      pending.watchdog.cancel()
      pending.reject(failure)
    } else {
      this.options.onDeath(failure.message)
    }
  }
}

export function describeItem(item: StepItem): string {
  switch (item.kind) {
    case 'deliver':
      return `${item.msg.type} from ${item.from} at t=${item.t}`
    case 'timer':
      return `a timer at t=${item.t}`
    case 'stdin':
      return `console input ${JSON.stringify(item.line)} at t=${item.t}`
    case 'start':
      return `its start at t=${item.t}`
    case 'event':
      return `the runtime's ${item.event.type} at t=${item.t}`
  }
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref())
}
