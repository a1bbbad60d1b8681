// The discrete-event core. Everything that happens is an item ordered by (virtual time, seq).
//
// Batching without losing determinism: a step takes, from the front of the queue, every node
// item earlier than `t0 + lookahead` (the shortest latency any link can draw) and earlier than
// the next main-thread item, and hands each node its share at once. Nothing a node does in that
// window can reach another node inside it (a message takes at least `lookahead`), and timers a
// node sets for inside the window it fires itself, in key order. Effects come back tagged with
// their keys and are applied in key order, so seq numbers, random draws and the trace come out
// exactly as if events had been handled one by one. test/runtime/determinism.test.ts holds this.
import { DistlabError, NodeFailure } from '../errors.ts'
import type { HostEffect, PoolJobRequest, StepItem, StepReply } from '../host/protocol.ts'
import type { Message } from '../node/types.ts'
import type { DropReason, Network } from '../network/SimNetwork.ts'
import type { Tracer } from '../trace/Tracer.ts'
import type { NewRecord } from '../trace/records.ts'
import type { Endpoint } from './Endpoint.ts'
import { compareKeys } from './keys.ts'
import { MinHeap } from './MinHeap.ts'
import { byKey, type ClientReceiver, type MainItem, type NodeItem } from './queueItems.ts'
import type { SimNode } from './SimNode.ts'
import { Waiter } from './Waiter.ts'
import { transferablesOf } from '../host/transferables.ts'
import { binaryAsSize } from '../trace/TraceFile.ts'
import { messageSize } from '../network/Bandwidth.ts'
import type { HashPool } from '../pool/HashPool.ts'
import type { VirtualPool } from '../pool/VirtualPool.ts'
import { roundMicros } from '../virtualTime.ts'
import { cleanText } from '../cleanText.ts'
import { replyProblem } from './checkReply.ts'

/** A message with its bulk data summarized, for trace records of data that is handed over. */
function sizesOnly(msg: Message): Message {
  return Object.fromEntries(Object.entries(msg).map(([key, value]) => [key, binaryAsSize(key, value)])) as unknown as Message
}

export interface Directory {
  byAddress(address: string): (Endpoint & Partial<ClientReceiver>) | undefined
}

export interface SimulationOptions {
  /** Virtual ms after which the run ends with TIME_LIMIT. */
  maxTime: number
  batching: boolean
  /** Virtual ms after which a sender that asked hears that nobody lives at an address. */
  unreachableAfter: number
  /** When pool jobs finish, in virtual time. */
  poolClock: VirtualPool
  /** Where pool jobs really run. */
  hashes: HashPool
}

export interface SimulationStats {
  /** Events handled by nodes: deliveries, timers, console input, starts. */
  events: number
  steps: number
  sent: number
  delivered: number
  dropped: number
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
  now = 0
  readonly stats: SimulationStats = { events: 0, steps: 0, sent: 0, delivered: 0, dropped: 0 }
  private seq = 0
  private msgIds = 0
  private readonly nodeQueue = new MinHeap<NodeItem>(byKey)
  private readonly mainQueue = new MinHeap<MainItem>(byKey)
  private readonly waiters = new Set<Waiter<unknown>>()
  private pumping = false
  private yieldDue = false
  private stopped = false
  /** Control calls in progress (inspect): virtual time stands still until they finish. */
  private readonly holds = new Set<Promise<unknown>>()
  /** Buffers already promised to a transfer. */
  private readonly claimed = new WeakSet<ArrayBuffer>()
  /** Runtime events handed to a step before their content exists (pool answers): awaited at dispatch. */
  private readonly awaiting = new WeakMap<StepItem, () => Promise<Message>>()
  private poolJobs = 0
  /** Once set, the run is over: every wait rejects with it. */
  failure: Error | null = null
  /** Called when a node fails; the cluster takes the node down. */
  /** Told of a node that threw or went over a limit; true if the run goes on without it. */
  onNodeFailure: (node: SimNode, message: string) => boolean = () => false

  constructor(
    private readonly network: Network,
    private readonly tracer: Tracer,
    private readonly directory: Directory,
    private readonly options: SimulationOptions,
  ) {}

  private get maxTime(): number {
    return this.options.maxTime
  }

  // ---- scheduling -------------------------------------------------------------------------

  nextSeq(): number {
    return this.seq++
  }

  enqueue(item: NodeItem): void {
    this.nodeQueue.push(item)
  }

  /** Runs `fire` on the main thread at virtual time `at`; returns the item so it can be cancelled. */
  at(at: number, fire: () => void): MainItem & { kind: 'wake' } {
    const item = { t: at, seq: this.seq++, kind: 'wake' as const, fire, dead: false }
    this.mainQueue.push(item)
    return item
  }

  trace(record: NewRecord): void {
    this.tracer.emit(record)
  }

  /** Sends from any endpoint at the current time; returns the message id used in the trace. */
  send(from: Endpoint, toAddress: string, msg: Message, options: { transfer?: boolean; call?: number; unreachable?: boolean } = {}): number {
    const id = ++this.msgIds
    this.stats.sent++
    const to = this.directory.byAddress(toAddress)
    const toName = to?.name ?? toAddress
    let transfer = options.transfer === true
    if (transfer) {
      // A buffer can be handed over once; a second message carrying it gets a copy, made now,
      // while the buffer is still here.
      const buffers = transferablesOf(msg)
      if (buffers.some((b) => this.claimed.has(b))) {
        msg = structuredClone(msg)
        transfer = false
      } else for (const b of buffers) this.claimed.add(b)
    }
    if (this.tracer.on) {
      const shown = transfer ? sizesOnly(msg) : msg
      if (options.call !== undefined) this.tracer.emit({ t: this.now, node: from.name, kind: 'call', id, call: options.call, to: toName, msg: shown })
      else this.tracer.emit({ t: this.now, node: from.name, kind: 'send', id, to: toName, msg: shown })
    }
    // The incarnation a notice goes back to, when the sender wants to hear that nobody is there.
    const notify = options.unreachable && isNode(from) ? from.incarnation : undefined
    if (!to) {
      this.drop(id, from, toName, msg, 'no route')
      if (notify !== undefined) this.notifyUnreachable(from as SimNode, notify, toAddress, id, msg, transfer)
      return id
    }
    const route = this.network.route(from, to, this.now, () => messageSize(msg))
    if (route.drop) {
      this.drop(id, from, to.name, msg, route.drop)
      return id
    }
    route.arrivals.forEach((t, copy) => {
      const body = copy === 0 ? msg : structuredClone(msg)
      if (to.isClient && to.receive) this.mainQueue.push({ t, seq: this.seq++, kind: 'deliver', to: to as ClientReceiver, from, id, msg: body })
      else this.nodeQueue.push({ t, seq: this.seq++, kind: 'deliver', node: to as SimNode, from, id, msg: body, transfer: transfer && copy === 0, notify })
    })
    return id
  }

  // ---- waiting ----------------------------------------------------------------------------

  /** Registers a waiter; the pump runs the simulation until every waiter has settled. */
  wait<T>(waiter: Waiter<T>): Promise<T> {
    if (this.failure) waiter.reject(this.failure)
    else if (this.stopped) waiter.reject(new DistlabError('STOPPED', 'the cluster was stopped'))
    else {
      this.waiters.add(waiter as Waiter<unknown>)
      if (!this.pumping) void this.pump()
    }
    return waiter.promise
  }

  settle<T>(waiter: Waiter<T>, value: T): void {
    if (waiter.settled) return
    this.waiters.delete(waiter as Waiter<unknown>)
    if (waiter.deadline) waiter.deadline.dead = true
    waiter.resolve(value)
    this.yieldDue = true
  }

  /** Runs a control call (inspect) with virtual time standing still until it is done. */
  hold<T>(work: Promise<T>): Promise<T> {
    this.holds.add(work)
    const release = (): void => {
      this.holds.delete(work)
    }
    work.then(release, release)
    return work
  }

  /** Rejects one waiter (its deadline passed) and lets the driver react. */
  expire<T>(waiter: Waiter<T>, err: Error): void {
    if (waiter.settled) return
    this.waiters.delete(waiter as Waiter<unknown>)
    if (waiter.deadline) waiter.deadline.dead = true
    waiter.reject(err)
    this.yieldDue = true
  }

  fail(err: Error): void {
    if (!this.failure) this.failure = err
    this.rejectAll(this.failure)
  }

  stop(): void {
    this.stopped = true
    this.rejectAll(new DistlabError('STOPPED', 'the cluster was stopped'))
  }

  private rejectAll(err: Error): void {
    for (const waiter of this.waiters) {
      if (waiter.deadline) waiter.deadline.dead = true
      waiter.reject(err)
    }
    this.waiters.clear()
  }

  private async pump(): Promise<void> {
    this.pumping = true
    try {
      while (this.waiters.size > 0 && !this.stopped && !this.failure) {
        while (this.holds.size > 0) await Promise.allSettled([...this.holds])
        if (!(await this.advance())) {
          for (const waiter of this.waiters) if (waiter.settlesWhenIdle) this.settle(waiter, undefined)
          const what = [...this.waiters].map((w) => w.what).join('; ')
          if (what) this.rejectAll(new DistlabError('IDLE', `nothing is left to happen (no messages in flight, no timers set) while waiting for ${what}`))
          continue
        }
        for (const waiter of this.waiters) {
          if (!waiter.check) continue
          try {
            if (waiter.check()) this.settle(waiter, undefined)
          } catch (err) {
            // A condition that throws fails its own wait, not the run.
            this.expire(waiter, err instanceof Error ? err : new Error(String(err)))
          }
        }
        if (this.yieldDue) {
          // Let the driver's continuation run at this virtual instant before anything else happens.
          this.yieldDue = false
          await new Promise<void>((resolve) => setImmediate(resolve))
        }
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)))
    } finally {
      this.pumping = false
    }
  }

  /** Handles the next main item or the next step; false when nothing is left. */
  private async advance(): Promise<boolean> {
    const node = this.peekNode()
    const main = this.peekMain()
    if (!node && !main) return false
    const next = !node || (main && byKey(main, node) < 0) ? (main as MainItem) : node
    if (next.t > this.maxTime) {
      this.now = this.maxTime
      throw new DistlabError('TIME_LIMIT', `the run reached its virtual-time limit of ${this.maxTime} ms`)
    }
    if (next === main) {
      this.mainQueue.pop()
      this.now = main.t
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
    if (this.network.rules.blocks(item.from, item.to)) {
      this.drop(item.id, item.from, item.to.name, item.msg, 'partition')
      return
    }
    this.stats.delivered++
    item.to.receive(item.from, item.msg, item.id)
  }

  // ---- one step ---------------------------------------------------------------------------

  private async step(): Promise<void> {
    const first = this.peekNode() as NodeItem
    const t0 = first.t
    const budget = this.eventBudget()
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
      this.now = item.t
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

    const replies = await Promise.all([...batches].map(([node, items]) => this.dispatch(node, items, until)))
    let handled = 0
    for (const [node, reply, failure] of replies) {
      if (failure) entries.push({ key: failure.at ?? [t0, -1], t: failure.at?.[0] ?? t0, node, records: null, effects: null, failure })
      if (!reply) continue
      handled += reply.handled
      for (const e of reply.entries) entries.push({ key: e.key, t: e.t, node, records: null, effects: e.effects })
    }
    entries.sort((a, b) => compareKeys(a.key, b.key))
    // Applied in key order. A failure ends the run at its key, as if events had been handled one
    // by one: nothing later in the step happens, on any node.
    for (const entry of entries) {
      if (this.stopped) return
      this.now = entry.t
      last = Math.max(last, entry.t)
      if (entry.records) for (const record of entry.records) this.tracer.emit(record)
      entry.action?.()
      if (entry.failure && entry.node) {
        if (this.nodeFailed(entry.node, entry.failure.message, entry.failure)) continue
        break
      }
      if (entry.effects && entry.node && !this.apply(entry.node, entry.effects)) {
        // A node that failed alone (crash-node) is down: the others' entries still apply.
        if (entry.node.status === 'down' && !this.failure) continue
        break
      }
    }
    if (this.failure) return
    this.now = last
    this.stats.events += handled
    this.countEvents(handled)
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
        node.status = 'up'
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
        const reason: DropReason | null = node.status !== 'up' ? 'node down' : this.network.rules.blocks(item.from, node) ? 'partition' : null
        if (reason) {
          this.stats.dropped++
          note({ t: item.t, node: item.from.name, kind: 'drop', id: item.id, from: item.from.name, to: node.name, reason, type: item.msg.type })
          const notify = item.notify
          if (reason === 'node down' && notify !== undefined) {
            // Scheduled in key order with everything else of the step, as one-at-a-time would.
            const action = (): void => this.notifyUnreachable(item.from as SimNode, notify, node.address, item.id, item.msg, item.transfer)
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
        const event = item.event
        if (typeof event !== 'function') return { t: item.t, seq: item.seq, kind: 'event', event, transfer: item.transfer || undefined }
        const later: StepItem = { t: item.t, seq: item.seq, kind: 'event', event: { type: 'pending' }, transfer: item.transfer || undefined }
        this.awaiting.set(later, event)
        return later
      }
    }
  }

  /** Tells `sender` (if still that incarnation) that nobody lives at `to`, after the network's delay. */
  private notifyUnreachable(sender: SimNode, incarnation: number, to: string, id: number, msg: Message, transfer: boolean): void {
    // Never sooner than the lookahead, so it cannot land inside the window being handled.
    const t = roundMicros(this.now + Math.max(this.options.unreachableAfter, this.network.lookahead()))
    const record: NewRecord = { t, node: sender.name, kind: 'unreachable', id, to, type: msg.type }
    this.nodeQueue.push({ t, seq: this.seq++, kind: 'event', node: sender, inc: incarnation, event: { type: 'net.unreachable', to, message: msg } as Message, transfer, record })
  }

  /** Hands a node's hash request to the pool; its answer comes back as a `pool.hashed` event. */
  private submitPoolJob(node: SimNode, request: PoolJobRequest): void {
    const job = ++this.poolJobs
    const pending = this.options.hashes.submit(request)
    const done = this.options.poolClock.finish(this.now, pending.bytes)
    // An answer never lands inside the window being handled (see notifyUnreachable).
    const t = Math.max(done, roundMicros(this.now + this.network.lookahead()))
    const parts = request.partSize === undefined ? 1 : Math.ceil(pending.bytes / request.partSize)
    this.tracer.emit({ t: this.now, node: node.name, kind: 'pool', job, id: request.id, bytes: pending.bytes, parts, at: t })
    const answer = async (): Promise<Message> => {
      const result = await pending.result()
      return { type: 'pool.hashed', id: request.id, digests: result.digests, data: result.data } as Message
    }
    const record: NewRecord = { t, node: node.name, kind: 'pool.done', job, id: request.id }
    this.nodeQueue.push({ t, seq: this.seq++, kind: 'event', node, inc: node.incarnation, event: answer, transfer: true, record })
  }

  private async dispatch(node: SimNode, items: StepItem[], until: number): Promise<[SimNode, StepReply | null, NodeFailure?]> {
    if (node.status !== 'up' || !node.ready) return [node, null]
    const incarnation = node.incarnation
    // A driver that crashes a node while its batch is in flight (possible only when the driver
    // awaits something outside the simulation) discards that batch; it does not fail the run.
    const crashed = (): boolean => node.incarnation !== incarnation || node.status !== 'up'
    try {
      const host = node.host ?? (await node.ready)
      await this.resolvePending(items)
      const reply = await host.step({ items, until })
      const problem = replyProblem(reply, items, until)
      if (problem) {
        throw new NodeFailure('NODE_FAILED', node.name, `node '${node.name}' answered the runtime with a malformed reply (${problem}); node code must not post on the worker's port or patch the runtime`)
      }
      return [node, crashed() ? null : reply]
    } catch (err) {
      if (crashed() || this.stopped) return [node, null]
      const message = err instanceof Error ? err.message : String(err)
      const first = items[0]
      const failure = err instanceof NodeFailure ? err : new NodeFailure('NODE_FAILED', node.name, message, first ? [first.t, first.seq] : undefined)
      return [node, null, failure]
    }
  }

  /** Fills in runtime events whose content was still being computed (pool answers). */
  private async resolvePending(items: StepItem[]): Promise<void> {
    const pending: Array<Promise<void>> = []
    for (const item of items) {
      const compute = this.awaiting.get(item)
      if (!compute || item.kind !== 'event') continue
      this.awaiting.delete(item)
      pending.push(compute().then((event) => void (item.event = event)))
    }
    if (pending.length) await Promise.all(pending)
  }

  /** Performs a node's effects; false when the node failed (the step stops there). */
  private apply(node: SimNode, effects: HostEffect[]): boolean {
    for (const effect of effects) {
      if (node.status !== 'up') return node.status !== 'failed'
      switch (effect.kind) {
        case 'send':
          this.send(node, effect.to, effect.msg, { transfer: effect.transfer, unreachable: effect.unreachable })
          break
        case 'pool':
          this.submitPoolJob(node, effect.job)
          break
        case 'print': {
          const line = cleanText(effect.line)
          node.console.push(line)
          this.tracer.emit({ t: this.now, node: node.name, kind: 'console', line })
          break
        }
        case 'prompt':
          this.tracer.emit({ t: this.now, node: node.name, kind: 'prompt', text: cleanText(effect.text) })
          break
        case 'log':
          this.tracer.emit({ t: this.now, node: node.name, kind: 'log', level: cleanText(effect.level, 16), text: cleanText(effect.text) })
          break
        case 'timer': {
          const item = { t: effect.at, seq: this.seq++, kind: 'timer' as const, node, inc: node.incarnation, timer: effect.timer, dead: false }
          this.nodeQueue.push(item)
          node.timers.set(effect.timer, item)
          break
        }
        case 'cancel': {
          const item = node.timers.get(effect.timer)
          if (item) {
            item.dead = true
            node.timers.delete(effect.timer)
          }
          break
        }
        case 'write':
          node.lastWrite = { file: effect.file, offset: effect.offset, length: effect.length, t: this.now }
          break
        case 'synced':
          if (node.lastWrite?.file === effect.file) node.lastWrite = null
          break
        case 'error':
        case 'limit': {
          const what = effect.kind === 'error' ? 'threw' : 'went over a resource limit'
          const message = `node '${node.name}' ${what} while handling ${cleanText(effect.event, 200)}: ${cleanText(effect.message, 4000)}`
          this.nodeFailed(node, message, new NodeFailure('NODE_FAILED', node.name, message))
          return false
        }
        case 'timer.set':
          this.tracer.emit({ t: this.now, node: node.name, kind: 'timer.set', timer: effect.timer, delay: effect.delay, at: effect.at })
          break
        case 'timer.fire':
          this.tracer.emit({ t: this.now, node: node.name, kind: 'timer.fire', timer: effect.timer })
          break
        case 'timer.cancel':
          this.tracer.emit({ t: this.now, node: node.name, kind: 'timer.cancel', timer: effect.timer })
          break
        case 'state':
          this.tracer.emit({ t: this.now, node: node.name, kind: 'state', ...(effect.actor === undefined ? {} : { actor: effect.actor }), from: effect.from, to: effect.to, event: effect.event })
          break
      }
    }
    return true
  }

  /** A node threw or went over a limit: the run ends, or (true) that node alone went down. */
  private nodeFailed(node: SimNode, message: string, failure: Error): boolean {
    if (node.status === 'failed') return false
    this.tracer.emit({ t: this.now, node: node.name, kind: 'node.error', error: message })
    if (this.onNodeFailure(node, message)) return true
    this.fail(failure)
    return false
  }

  private drop(id: number, from: Endpoint, to: string, msg: Message, reason: DropReason): void {
    this.stats.dropped++
    this.tracer.emit({ t: this.now, node: from.name, kind: 'drop', id, from: from.name, to, reason, type: msg.type })
  }

  // ---- helpers ----------------------------------------------------------------------------

  private eventBudget(): number {
    let budget = Infinity
    for (const waiter of this.waiters) if (waiter.events !== undefined) budget = Math.min(budget, waiter.events)
    return budget
  }

  private countEvents(handled: number): void {
    for (const waiter of this.waiters) {
      if (waiter.events === undefined) continue
      waiter.events -= handled
      if (waiter.events <= 0) this.settle(waiter, undefined)
    }
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

function isNode(endpoint: Endpoint): endpoint is SimNode {
  return !endpoint.isClient && 'incarnation' in endpoint
}
