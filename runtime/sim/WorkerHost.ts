// A node incarnation in its own worker thread. Batches go over parentPort; init and inspect over
// comlink. A hung batch is caught by a wall-clock watchdog that reads which event the worker was
// in from a shared progress cell, so the report names the event, not just the node.
import type { Worker } from 'node:worker_threads'
import * as Comlink from 'comlink'
import { DistlabError, NodeFailure, messageOf } from '../errors.ts'
import { transferablesOf } from '../host/transferables.ts'
import { PROGRESS_TIMER, type HostControl, type HostInit, type NodeSnapshot, type StepItem, type StepReply, type StepRequest } from '../host/protocol.ts'
import type { HostHandle, HostOptions } from './HostHandle.ts'
import { warmWorkers } from './WarmWorkers.ts'

const OUTPUT_TAIL = 4000

interface PendingStep {
  items: StepItem[]
  resolve(reply: StepReply): void
  reject(err: Error): void
  timer: NodeJS.Timeout
}

export class WorkerHost implements HostHandle {
  private pending: PendingStep | null = null
  private dead: string | null = null
  private terminated = false
  private exited: Promise<void>
  /** Rejects when the worker dies or is terminated: control calls race it. */
  private readonly gone: Promise<never>
  private markGone!: (err: Error) => void
  private output = ''

  private constructor(
    private readonly name: string,
    private readonly worker: Worker,
    private readonly control: Comlink.Remote<HostControl>,
    private readonly progress: Float64Array,
    private readonly options: HostOptions,
  ) {
    this.gone = new Promise<never>((_, reject) => (this.markGone = reject))
    this.gone.catch(() => {})
    this.exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.on('message', (reply: StepReply) => this.onReply(reply))
    worker.on('error', (err) => this.die(`crashed: ${messageOf(err)}`))
    worker.on('exit', (code) => this.die(`exited with code ${code}`))
    for (const stream of [worker.stdout, worker.stderr]) {
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        this.output = (this.output + chunk).slice(-OUTPUT_TAIL)
      })
    }
  }

  static async spawn(init: HostInit, moduleUrl: string, options: HostOptions): Promise<WorkerHost> {
    const { worker, control: port, progress } = await warmWorkers.take()
    const control = Comlink.wrap<HostControl>(port as unknown as Comlink.Endpoint)
    const host = new WorkerHost(init.name, worker, control, progress, options)
    const exited = new Promise<never>((_, reject) => worker.once('exit', (code) => reject(new Error(`the worker exited with code ${code} while loading`))))
    try {
      await Promise.race([control.init(init, moduleUrl), exited, timeout(options.stepTimeoutMs * 2, 'loading the module took too long (an endless loop at its top level?)')])
    } catch (err) {
      host.terminate()
      throw new DistlabError('NODE_LOAD', messageOf(err))
    }
    return host
  }

  step(request: StepRequest): Promise<StepReply> {
    if (this.dead) return Promise.reject(new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' ${this.dead}`))
    return new Promise<StepReply>((resolve, reject) => {
      const timer = setTimeout(() => this.hung(), this.options.stepTimeoutMs)
      this.pending = { items: request.items, resolve, reject, timer }
      const transfer = request.items.flatMap((item) => (item.kind === 'deliver' && item.transfer ? transferablesOf(item.msg) : []))
      this.worker.postMessage(request, transfer)
    })
  }

  async inspect(): Promise<NodeSnapshot> {
    if (this.dead || this.terminated) throw new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' is not running`)
    return Promise.race([this.control.inspect(), this.gone, timeout(this.options.stepTimeoutMs, `node '${this.name}' did not answer an inspect within ${this.options.stepTimeoutMs} ms`)])
  }

  /** Stops the worker; resolves once its thread has exited (its files are closed). */
  terminate(): Promise<void> {
    if (this.terminated) return this.exited
    this.terminated = true
    this.markGone(new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' was stopped`))
    const pending = this.pending
    this.pending = null
    if (pending) {
      // A batch in flight when the node is crashed or the cluster stopped: settle it now, so its
      // watchdog does not keep the process alive and nothing waits on a dead thread.
      clearTimeout(pending.timer)
      pending.reject(new NodeFailure('NODE_FAILED', this.name, `node '${this.name}' was stopped while handling its events`))
    }
    this.control[Comlink.releaseProxy]()
    void this.worker.terminate()
    return this.exited
  }

  private onReply(reply: StepReply): void {
    const pending = this.pending
    if (!pending) return
    this.pending = null
    clearTimeout(pending.timer)
    pending.resolve(reply)
  }

  private hung(): void {
    const pending = this.pending
    if (!pending) return
    const [index, t] = [this.progress[0] as number, this.progress[1] as number]
    const item = index >= 0 ? pending.items[index] : undefined
    const first = pending.items[0]
    const what = item ? describeItem(item) : index === PROGRESS_TIMER ? `a timer at t=${t}` : 'its events'
    const at = item ? [item.t, item.seq] : index === PROGRESS_TIMER ? [t, Infinity] : first ? [first.t, first.seq] : undefined
    this.pending = null
    clearTimeout(pending.timer)
    this.terminate()
    pending.reject(
      new NodeFailure('NODE_HUNG', this.name, `node '${this.name}' did not finish handling ${what} within ${this.options.stepTimeoutMs} ms of wall time (an endless loop?)`, at),
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
      clearTimeout(pending.timer)
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
  }
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref())
}
