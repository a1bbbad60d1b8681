// The discrete-event core: the queues and the step loop. Everything that happens is an item
// ordered by (virtual time, seq). Its collaborators, one job each: Waits (the driver's wait
// protocol and the pump), Router (sends and drops), RuntimeEvents (pool answers, unreachable
// notices), EffectApplier (what nodes asked for) and HostDispatch (a batch to a node's host).
//
// Batching without losing determinism: a step takes, from the front of the queue, every node
// item earlier than `t0 + lookahead` (the shortest latency any link can draw) and earlier than
// the next main-thread item, and hands each node its share at once. Nothing a node does in that
// window can reach another node inside it (a message takes at least `lookahead`), and timers a
// node sets for inside the window it fires itself, in key order. Effects come back tagged with
// their keys and are applied in key order, so seq numbers, random draws and the trace come out
// exactly as if events had been handled one by one. test/runtime/determinism.test.ts holds this.
import { DistlabError, type NodeFailure } from '../errors.ts'
import type { HostEffect, StepItem } from '../host/protocol.ts'
import type { Message } from '../node/types.ts'
import type { DropReason, Network } from '../network/SimNetwork.ts'
import type { RealSockets } from '../real/RealSockets.ts'
import type { Tracer } from '../trace/Tracer.ts'
import type { NewRecord } from '../trace/records.ts'
import type { Endpoint } from './Endpoint.ts'
import { EffectApplier } from './EffectApplier.ts'
import { HostDispatch } from './HostDispatch.ts'
import { compareKeys } from './keys.ts'
import { MinHeap } from './MinHeap.ts'
import { byKey, type MainItem, type NodeItem } from './queueItems.ts'
import { Router, sizesOnly, type Directory, type SendOptions } from './Router.ts'
import { RuntimeEvents, type RuntimeEventOptions } from './RuntimeEvents.ts'
import type { SimNode } from './SimNode.ts'
import { Waits } from './Waits.ts'

export interface SimulationOptions extends RuntimeEventOptions {
  /** Virtual ms after which the run ends with TIME_LIMIT. */
  maxTime: number
  batching: boolean
  /** Adds up wall ms per phase of a step in `stats.timing` (benchmarks; never consulted). */
  timing?: boolean
  /**
   * Real mode: messages go over these sockets and time is the wall clock's. The loop waits until
   * the next item is due (or something arrives) instead of jumping to it; nothing else changes.
   */
  real?: RealSockets
}

/** Real mode: with nothing queued, how long the loop waits for something to arrive before it is idle. */
const REAL_IDLE_MS = 250

export interface SimulationStats {
  /** Events handled by nodes: deliveries, timers, console input, starts. */
  events: number
  steps: number
  sent: number
  delivered: number
  dropped: number
  /** Hand-offs: one node's share of a step sent to its host and answered. */
  dispatches: number
  /** With the `timing` option: wall ms the main thread spent per phase of the steps. */
  timing?: StepTiming
}

export interface StepTiming {
  /** From the first batch sent to the last reply in, minus the posting. */
  nodesMs: number
  /** Handing the batches to the hosts (postMessage copying them, or an inline host's work). */
  postMs: number
  /**
   * Per hand-off to a worker, summed: from posting the batch to its thread starting on it
   * (`toNodeMs`), handling it (`inNodeMs`), and from its reply leaving to the main thread taking
   * it up (`backMs`). `handoffs` counts them. Inline hosts add nothing here.
   */
  handoffs: number
  toNodeMs: number
  inNodeMs: number
  backMs: number
  /** Sorting and applying the replies' effects. */
  applyMs: number
}

interface Entry {
  key: number[]
  t: number
  node: SimNode | null
  records: NewRecord[] | null
  effects: HostEffect[] | null
  /** The node failed here (hung, died): the step stops at this key. */
  failure?: NodeFailure
  /** Main-thread work that must happen at this key (a notice scheduled from a drop). */
  action?: () => void
}

export class Simulation {
  private current = 0
  /** Real mode: a step's entries are being applied (time holds still meanwhile). */
  private applying = false
  readonly stats: SimulationStats = { events: 0, steps: 0, sent: 0, delivered: 0, dropped: 0, dispatches: 0 }
  /** What the driver awaits, and the pump that runs this simulation meanwhile. */
  readonly waits: Waits
  private seq = 0
  private readonly nodeQueue = new MinHeap<NodeItem>(byKey)
  private readonly mainQueue = new MinHeap<MainItem>(byKey)
  private readonly router: Router
  private readonly events: RuntimeEvents
  private readonly effects: EffectApplier
  private readonly hosts: HostDispatch
  /** Told of a node that threw or went over a limit; true if the run goes on without it. */
  onNodeFailure: (node: SimNode, message: string) => boolean = () => false

  constructor(
    readonly network: Network,
    private readonly tracer: Tracer,
    directory: Directory,
    private readonly options: SimulationOptions,
  ) {
    this.waits = new Waits(() => this.advance())
    this.events = new RuntimeEvents(this, network, tracer, options)
    this.router = new Router(this, network, tracer, directory, this.events, options.real ?? null)
    this.effects = new EffectApplier(this, tracer, this.events)
    if (options.timing) this.stats.timing = { nodesMs: 0, postMs: 0, applyMs: 0, handoffs: 0, toNodeMs: 0, inNodeMs: 0, backMs: 0 }
    this.hosts = new HostDispatch(this.waits, this.stats.timing ?? null)
  }

  /**
   * The current time. In real mode it is the wall clock's, never going back: a driver's deadline
   * counts from the moment it is set, and items handled late take the time they are handled at
   * (handledAt), so times in the trace only grow.
   */
  get now(): number {
    const real = this.options.real
    // While a step's effects are applied, its instant holds: every record of an entry has its time.
    if (real && !this.applying) this.current = Math.max(this.current, real.clock.now())
    return this.current
  }

  set now(t: number) {
    this.current = this.options.real ? Math.max(this.current, t) : t
  }

  /** Set when the run failed (a node threw or hung, the time limit passed); the run is over. */
  get failure(): Error | null {
    return this.waits.failure
  }

  private get maxTime(): number {
    return this.options.maxTime
  }

  // ---- scheduling -------------------------------------------------------------------------

  nextSeq(): number {
    return this.seq++
  }

  enqueue(item: NodeItem): void {
    this.nodeQueue.push(item)
    this.options.real?.clock.poke()
  }

  enqueueMain(item: MainItem): void {
    this.mainQueue.push(item)
    // Real mode: a loop waiting for a later item looks again (this one may be due sooner).
    this.options.real?.clock.poke()
  }

  /** Runs `fire` on the main thread at virtual time `at`; returns the item so it can be cancelled. */
  at(at: number, fire: () => void): MainItem & { kind: 'wake' } {
    const item = { t: at, seq: this.seq++, kind: 'wake' as const, fire, dead: false }
    this.enqueueMain(item)
    return item
  }

  trace(record: NewRecord): void {
    this.tracer.emit(record)
  }

  /** Sends from any endpoint at the current time; returns the message id used in the trace. */
  send(from: Endpoint, toAddress: string, msg: Message, options: SendOptions = {}): number {
    return this.router.send(from, toAddress, msg, options)
  }

  /** Real mode: a socket brought `msg` to `to`, now (wall time); `id` null if it came from outside. */
  arrive(to: Endpoint, from: Endpoint, msg: Message, id: number | null): void {
    this.router.arrive(this.now, to, from, msg, id)
  }

  /** Real mode: nobody listened at `toAddress`. */
  refused(from: Endpoint, toAddress: string, msg: Message): void {
    this.router.refused(from, toAddress, msg)
  }

  // ---- the loop ---------------------------------------------------------------------------

  /** Handles the next main item or the next step; false when nothing is left. */
  private async advance(): Promise<boolean> {
    const node = this.peekNode()
    const main = this.peekMain()
    const real = this.options.real
    if (real) {
      // Wall time: wait for the next item to be due, or for a socket to bring something sooner.
      const due = node && main ? Math.min(node.t, main.t) : (node ?? main)?.t
      const now = real.clock.now()
      if (due === undefined) return (await real.clock.wait(now + REAL_IDLE_MS)) || real.holding > 0
      if (due > now) {
        await real.clock.wait(due)
        return true
      }
    }
    if (!node && !main) return false
    const next = !node || (main && byKey(main, node) < 0) ? (main as MainItem) : node
    if (next.t > this.maxTime) {
      this.now = this.maxTime
      throw new DistlabError('TIME_LIMIT', `the run reached its virtual-time limit of ${this.maxTime} ms`)
    }
    if (next === main) {
      this.mainQueue.pop()
      this.now = this.handledAt(main)
      this.runMain(main)
    } else {
      await this.step()
    }
    return true
  }

  private runMain(item: MainItem): void {
    if (item.kind === 'wake') {
      item.fire()
      return
    }
    if (item.queued && (item.from as SimNode).endedBefore(item.queued.incarnation, item.queued.leaves)) {
      this.router.drop(item.id, item.from, item.to.name, item.msg, 'sender down')
      return
    }
    if (this.network.rules.blocks(item.from, item.to)) {
      this.options.real?.undelivered(item.to, item.msg)
      this.router.drop(item.id, item.from, item.to.name, item.msg, 'partition')
      return
    }
    this.stats.delivered++
    item.to.receive(item.from, item.msg, item.id)
  }

  // ---- one step ---------------------------------------------------------------------------

  private async step(): Promise<void> {
    const first = this.peekNode() as NodeItem
    const t0 = first.t
    const budget = this.waits.eventBudget()
    const window = budget < Infinity || !this.options.batching ? 0 : this.network.lookahead()
    const horizon = Math.min(t0 + window, this.maxTime)
    const main = this.peekMain()
    const batches = new Map<SimNode, StepItem[]>()
    const entries: Entry[] = []
    let taken = 0
    let last = t0
    for (let item = this.peekNode(); item; item = this.peekNode()) {
      if ((main && byKey(item, main) > 0) || (item.t !== t0 && item.t >= horizon) || item.t > this.maxTime || taken >= budget) break
      this.nodeQueue.pop()
      this.now = this.handledAt(item)
      const admitted = this.admit(item, entries)
      if (!admitted) continue
      let batch = batches.get(item.node)
      if (!batch) batches.set(item.node, (batch = []))
      batch.push(admitted)
      taken++
      last = item.t
    }
    const next = this.peekNode()
    const until = Math.min(horizon, next ? next.t : Infinity, main ? main.t : Infinity)
    this.stats.steps++
    this.stats.dispatches += batches.size

    const timing = this.stats.timing
    const sent = timing ? performance.now() : 0
    const posted = timing ? timing.postMs : 0
    const replies = await Promise.all([...batches].map(([node, items]) => this.hosts.dispatch(node, items, until)))
    const replied = timing ? performance.now() : 0
    let handled = 0
    for (const [node, reply, failure] of replies) {
      if (failure) entries.push({ key: failure.at ?? [t0, -1], t: failure.at?.[0] ?? t0, node, records: null, effects: null, failure })
      if (!reply) continue
      handled += reply.handled
      for (const e of reply.entries) entries.push({ key: e.key, t: e.t, node, records: null, effects: e.effects })
    }
    entries.sort((a, b) => compareKeys(a.key, b.key))
    this.applying = true
    try {
      this.applyEntries(entries, last)
    } finally {
      this.applying = false
    }
    if (timing) {
      timing.nodesMs += replied - sent - (timing.postMs - posted)
      timing.applyMs += performance.now() - replied
    }
    if (this.waits.failure) return
    this.stats.events += handled
    this.waits.countEvents(handled)
  }

  /** Applies a step's entries in key order (see step). */
  private applyEntries(entries: Entry[], start: number): void {
    let last = start
    // Applied in key order. A failure ends the run at its key, as if events had been handled one
    // by one: nothing later in the step happens, on any node.
    for (const entry of entries) {
      if (this.waits.stopped) return
      this.now = entry.t
      last = Math.max(last, entry.t)
      if (entry.records) for (const record of entry.records) this.tracer.emit(record)
      entry.action?.()
      if (entry.failure && entry.node) {
        if (this.effects.nodeFailed(entry.node, entry.failure.message, entry.failure)) continue
        break
      }
      if (entry.effects && entry.node && !this.effects.apply(entry.node, entry.effects)) {
        // A node that failed alone (crash-node) is down: the others' entries still apply.
        if (entry.node.status === 'down' && !this.waits.failure) continue
        break
      }
    }
    if (this.waits.failure) return
    this.now = last
  }

  /** Turns a queue item into a host item, or drops it (with its trace record) if it cannot be. */
  private admit(item: NodeItem, entries: Entry[]): StepItem | null {
    const node = item.node
    const tracing = this.tracer.on
    const note = (record: NewRecord): void => {
      if (tracing) entries.push({ key: [item.t, item.seq], t: item.t, node: null, records: [record], effects: null })
    }
    switch (item.kind) {
      case 'start':
        if (item.inc !== node.incarnation || node.status !== 'starting') return null
        node.cameUp()
        note({ t: item.t, node: node.name, kind: 'node.start', incarnation: node.incarnation })
        return { t: item.t, seq: item.seq, kind: 'start' }
      case 'timer':
        if (item.dead || item.inc !== node.incarnation || node.status !== 'up') return null
        if (node.timers.get(item.timer) === item) node.timers.delete(item.timer)
        return { t: item.t, seq: item.seq, kind: 'timer', timer: item.timer }
      case 'stdin':
        note({ t: item.t, node: node.name, kind: 'stdin', line: item.line })
        if (item.inc !== node.incarnation || node.status !== 'up') return null
        return { t: item.t, seq: item.seq, kind: 'stdin', line: item.line }
      case 'deliver': {
        const unsent = item.queued !== undefined && (item.from as SimNode).endedBefore(item.queued.incarnation, item.queued.leaves)
        const reason: DropReason | null = unsent ? 'sender down' : node.status !== 'up' ? 'node down' : this.network.rules.blocks(item.from, node) ? 'partition' : null
        if (reason) {
          this.options.real?.undelivered(node, item.msg)
          this.stats.dropped++
          note({ t: item.t, node: item.from.name, kind: 'drop', id: item.id, from: item.from.name, to: node.name, reason, type: item.msg.type })
          const notify = item.notify
          if (reason === 'node down' && notify !== undefined) {
            // Scheduled in key order with everything else of the step, as one-at-a-time would.
            const action = (): void => this.events.notifyUnreachable(item.from as SimNode, notify, node.address, item.id, item.msg, item.transfer)
            entries.push({ key: [item.t, item.seq], t: item.t, node: null, records: null, effects: null, action })
          }
          return null
        }
        this.stats.delivered++
        note({ t: item.t, node: node.name, kind: 'deliver', id: item.id, from: item.from.name, msg: item.transfer ? sizesOnly(item.msg) : item.msg })
        return { t: item.t, seq: item.seq, kind: 'deliver', id: item.id, from: item.from.address, msg: item.msg, transfer: item.transfer || undefined }
      }
      case 'event': {
        if (item.inc !== node.incarnation || node.status !== 'up') return null
        note(item.record)
        return { t: item.t, seq: item.seq, kind: 'event', event: item.event, transfer: item.transfer || undefined }
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /**
   * The time an item is handled at: its own in sim. In real mode, the wall clock's when that is
   * later (the node's clock must read when it really handles the event, or timers set before a
   * slow start would all fire at once); the item takes that time, in order, as it leaves the queue.
   */
  private handledAt(item: { t: number }): number {
    const real = this.options.real
    if (real) item.t = Math.max(item.t, this.now)
    return item.t
  }

  private peekNode(): NodeItem | undefined {
    let item = this.nodeQueue.peek()
    while (item && item.kind === 'timer' && item.dead) {
      this.nodeQueue.pop()
      item = this.nodeQueue.peek()
    }
    return item
  }

  private peekMain(): MainItem | undefined {
    let item = this.mainQueue.peek()
    while (item && item.kind === 'wake' && item.dead) {
      this.mainQueue.pop()
      item = this.mainQueue.peek()
    }
    return item
  }
}
