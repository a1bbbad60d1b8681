// Starting and ending node incarnations: the host each runs in, the write a crash tears, a node
// that fails, and workers still exiting. Apart from Cluster, the driver's API, which says when.
import { relative } from 'node:path'
import { DistlabError, messageOf } from '../errors.ts'
import type { HostHandle } from '../host/HostHandle.ts'
import { InlineHost } from '../host/InlineHost.ts'
import type { HostInit, TornWrite } from '../host/protocol.ts'
import { WorkerHost } from '../host/WorkerHost.ts'
import { tearPoint } from '../host/WriteLog.ts'
import { underPermissionModel } from '../host/workerFlags.ts'
import { Rng, deriveSeed } from '../rng.ts'
import type { Tracer } from '../trace/Tracer.ts'
import type { NodeErrorPolicy, NodeLimits } from './options.ts'
import type { SimNode } from './SimNode.ts'
import type { Simulation } from './Simulation.ts'

export interface IncarnationOptions {
  seed: number
  host: 'worker' | 'inline'
  stepTimeoutMs: number
  shareModules?: boolean
  nodeErrors?: NodeErrorPolicy
  limits: NodeLimits
  /** Virtual ms before a crash in which a node's last write can be torn; null: no tearing. */
  tearWithin: number | null
}

export class Incarnations {
  /** Workers of crashed incarnations, still exiting. */
  private readonly terminating = new Set<Promise<void>>()
  private readonly diskRng: Rng

  constructor(
    private readonly sim: Simulation,
    private readonly tracer: Tracer,
    private readonly options: IncarnationOptions,
  ) {
    this.diskRng = new Rng(deriveSeed(options.seed, 'disk'))
  }

  /** Starts a new incarnation of a node that is down: its host, then its start event, now. */
  launch(node: SimNode): void {
    node.launching()
    const limits = this.options.limits
    const init: HostInit = {
      name: node.name,
      address: node.address,
      peers: node.peers,
      config: node.config,
      dataDir: node.dataDir,
      seed: deriveSeed(this.options.seed, 'node', node.name, node.incarnation),
      incarnation: node.incarnation,
      trace: this.tracer.level,
      logWrites: this.options.tearWithin !== null,
      limits: { buffersMb: limits.buffersMb, effectsPerEvent: limits.effectsPerEvent, timers: limits.timers, openFiles: limits.openFiles },
      permission: underPermissionModel(),
    }
    // A torn write of the previous incarnation is undone on disk before this one can read it.
    const tearing = node.tearing ?? Promise.resolve()
    const ready: Promise<HostHandle> =
      this.options.host === 'inline'
        ? tearing.then(() => InlineHost.create(init, node.moduleUrl, { shareModules: this.options.shareModules }))
        : tearing.then(() => WorkerHost.spawn(init, node.moduleUrl, {
            stepTimeoutMs: this.options.stepTimeoutMs,
            heapMb: limits.heapMb,
            onDeath: (message) => {
              if (node.ready !== ready) return
              this.sim.trace({ t: this.sim.now, node: node.name, kind: 'node.error', error: message })
              node.failed()
              this.sim.waits.fail(new DistlabError('NODE_FAILED', message))
            },
          }))
    node.ready = ready
    ready.then(
      (host) => {
        if (node.ready === ready) node.host = host
        else this.track(host.terminate())
      },
      () => {},
    )
    this.sim.enqueue({ t: this.sim.now, seq: this.sim.nextSeq(), kind: 'start', node, inc: node.incarnation })
  }

  // The incarnation's memory goes with its host: its worker is retired (terminated, or in trusted
  // runs reset and reused when idle and healthy; a worker caught mid-batch or dead is
  // terminated). In a run with torn
  // writes, the write to tear is chosen here, from what the simulation saw, so it is the same on
  // every run of the seed; the host undoes its tail before it goes.
  /** The node goes down; its worker retires (or, `terminate`, is ended: it failed). */
  takeDown(node: SimNode, options: { tear?: boolean; terminate?: boolean } = {}): void {
    node.wentDown(this.sim.now)
    this.sim.network.senderDown(node.name, this.sim.now)
    node.host = null
    const pending = node.ready
    node.ready = null
    const torn = options.tear !== false && pending ? this.tearOf(node) : null
    node.lastWrite = null
    if (!pending) return
    if (options.terminate) return this.track(pending.then((host) => host.terminate(), () => {}))
    if (!torn) return this.track(pending.then((host) => host.retire(), () => {}))
    // The trace already says the write is torn: if the host cannot make it so, the run is wrong.
    const undo = (host: HostHandle): Promise<void> =>
      host.tear(torn.write, torn.cut).catch((err: unknown) => {
        this.sim.waits.fail(new DistlabError('NODE_FAILED', `node '${node.name}': tearing its last write failed: ${messageOf(err)}`))
      })
    node.tearing = pending.then((host) => undo(host).then(() => host.retire()), () => {})
    this.track(node.tearing)
  }

  /** A node threw or went over a limit (the simulation's `onNodeFailure`): true if the run goes on. */
  nodeFailed(node: SimNode, message: string): boolean {
    if (this.options.nodeErrors === 'crash-node' && node.status === 'up') {
      node.errors.push(message)
      // That node alone goes down, its worker ended (its state is not to be trusted); nothing is
      // torn: the node stopped itself, the machine did not lose power.
      this.sim.trace({ t: this.sim.now, node: node.name, kind: 'node.crash' })
      this.takeDown(node, { tear: false, terminate: true })
      return true
    }
    node.failed()
    if (node.host) this.track(node.host.terminate())
    return false
  }

  /** Resolves once every worker of an ended incarnation has exited. */
  async exited(): Promise<void> {
    await Promise.all(this.terminating)
  }

  /** The write a crash now tears, and where, or null; traced as `disk.torn`. */
  private tearOf(node: SimNode): { write: TornWrite; cut: number } | null {
    const last = node.lastWrite
    const now = this.sim.now
    if (this.options.tearWithin === null || !last || now - last.t > this.options.tearWithin) return null
    const write: TornWrite = { file: last.file, offset: last.offset, length: last.length }
    const cut = tearPoint(write, this.diskRng.float())
    node.tornWrites++
    this.sim.trace({ t: now, node: node.name, kind: 'disk.torn', file: relative(node.dataDir, write.file), offset: write.offset, length: write.length, kept: cut - write.offset })
    return { write, cut }
  }

  private track(exiting: Promise<void>): void {
    this.terminating.add(exiting)
    void exiting.finally(() => this.terminating.delete(exiting))
  }
}
