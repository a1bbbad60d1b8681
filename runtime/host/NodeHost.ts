// Runs one incarnation of one node: its xstate actor on a virtual clock, fed batches of events,
// collecting the effects it emits. The same class serves the worker thread and the inline mode.
// It is long because one batch is one transaction: ordering timers fired inside the batch,
// checking every effect and limit, and finding the machines the actor spawns all share the batch's
// state; split, each part would need the others' internals.
import type { AnyActor, AnyEventObject, InspectionEvent } from 'xstate'
import type { NodeDefinition } from '../node/defineNode.ts'
import { EFFECT_TYPES, HASH_ALGORITHMS, type HashEffect, type NodeEffect } from '../node/effects.ts'
import type { NodeInput } from '../node/types.ts'
import { Rng } from '../rng.ts'
import { MinHeap } from '../sim/MinHeap.ts'
import { compareKeys } from '../sim/keys.ts'
import { PROGRESS_TIMER, type HostEffect, type HostInit, type Key, type NodeSnapshot, type Progress, type StepEntry, type StepItem, type StepReply, type StepRequest } from './protocol.ts'
import { stateName } from './stateName.ts'
import { VirtualClock, type ClockTimer } from './VirtualClock.ts'
import { virtualGlobals, type VirtualGlobals } from './virtualGlobals.ts'
import { WriteLog } from './WriteLog.ts'
import { HashJobs, type HashRequest } from './HashJobs.ts'

/** Effects that may happen outside an event: they change nothing another node could see at once. */
const QUIET_STRAYS: ReadonlySet<HostEffect['kind']> = new Set(['log', 'timer', 'cancel', 'timer.set', 'timer.cancel'])

interface LocalTimer {
  key: Key
  id: number
}

export class NodeHost {
  readonly clock: VirtualClock
  readonly globals: VirtualGlobals
  /** Present when the run tears writes at crashes: installed next to the globals. */
  readonly writes: WriteLog | null
  /** The node's hash requests: hashed here, between batches (work) or when answered. */
  readonly hashes = new HashJobs()
  private definition: NodeDefinition | null = null
  private actor: AnyActor | null = null
  private readonly full: boolean
  /** Effects go to the entry being handled; anything emitted between entries is a stray. */
  private entry: StepEntry | null = null
  private strays: HostEffect[] = []
  private readonly local = new MinHeap<LocalTimer>((a, b) => compareKeys(a.key, b.key))
  private readonly localIds = new Set<number>()
  private localCount = 0
  private until = -Infinity
  private failed = false
  private lastState: string | null = null
  /** The last state traced for each spawned or invoked actor (by its id), at trace level 'full'. */
  private readonly childStates = new Map<string, string>()
  /** Actors whose emitted effects this host already listens to: each must be heard exactly once. */
  private readonly listening = new WeakSet<AnyActor>()
  private describing = 'start'
  /** The key of the last entry opened: where effects that leak out of a batch are reported. */
  private lastKey: Key = [0, 0]

  // The clock and seeded globals exist before the node's module is imported, so its top-level
  // code is deterministic too; `load` then creates the actor.
  constructor(readonly init: HostInit) {
    this.full = init.trace === 'full'
    this.clock = new VirtualClock({
      set: (timer, delay) => this.onTimerSet(timer, delay),
      cancel: (id) => this.onTimerCancel(id),
    })
    this.globals = virtualGlobals(this.clock, new Rng(init.seed))
    // A write outside any event (module top level, a promise callback) is not reported: only
    // what the simulation has seen, in key order, can be torn.
    this.writes = init.logWrites ? new WriteLog((effect) => this.entry?.effects.push(effect) !== undefined) : null
  }

  /** Checked at load; the actor itself is created when the start event is handled. */
  load(definition: NodeDefinition): void {
    this.definition = definition
  }

  // Creating the actor computes its initial state (context factory, delay expressions), so it
  // happens at the start event's virtual instant, with the node's seeded globals in place.
  private createAndStart(): void {
    if (!this.definition) throw new Error('NodeHost: load(definition) must come before the start event')
    const init = this.init
    const input: NodeInput = {
      name: init.name,
      address: init.address,
      peers: init.peers,
      config: init.config,
      dataDir: init.dataDir,
    }
    const hooked = { children: false }
    const actor = this.definition.createActor(this.definition.machine, {
      input,
      clock: this.clock,
      // Inspection costs per event (every action and snapshot becomes an object): only for trace
      // level 'full', or to find spawned machines if the system cannot be hooked (below).
      inspect: this.full ? (event) => this.onInspect(event, hooked.children) : undefined,
    })
    this.actor = actor
    this.listen(actor)
    hooked.children = this.hookChildren(actor)
    if (!hooked.children && !this.full) {
      ;(actor.system as { inspect(observer: (event: InspectionEvent) => void): void }).inspect((event) => this.onInspect(event, false))
    }
    actor.subscribe({ error: (err: unknown) => this.fail(err) })
    actor.start()
  }

  private get loaded(): AnyActor {
    if (!this.actor) throw new Error('NodeHost: an event arrived before the start event')
    return this.actor
  }

  /** Handles a batch in key order, firing local timers that fall before each item and `until`. */
  step(request: StepRequest, progress?: Progress): StepReply {
    const entries: StepEntry[] = []
    let handled = 0
    this.until = request.until
    this.localCount = 0
    const items = request.items
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as StepItem
      handled += this.fireLocalBefore(item.t, entries, progress)
      if (this.failed) break
      progress?.(i, item.t)
      if (this.handle(item, entries)) handled++
    }
    handled += this.fireLocalBefore(request.until, entries, progress)
    this.until = -Infinity
    const reply = { entries, handled }
    try {
      this.hashes.seal()
    } catch (err) {
      this.noteError('a hash request (its buffer could not be handed over)', err)
      this.appendStrays(reply)
    }
    return reply
  }

  /**
   * What the node did after its batch, from promise callbacks (unhandled rejections included):
   * reported as an error at the batch's last event, so it fails the run at a fixed point.
   */
  appendStrays(reply: StepReply): void {
    if (!this.strays.length) return
    const effects = this.takeStrays()
    const key = [...this.lastKey, Number.MAX_SAFE_INTEGER]
    const last = reply.entries.at(-1)
    if (last && compareKeys(last.key, key) === 0) last.effects.push(...effects)
    else reply.entries.push({ key, t: this.lastKey[0] as number, effects })
  }

  /** An error outside any event (an unhandled rejection in node code): reported with its batch. */
  noteError(what: string, err: unknown): void {
    if (this.failed) return
    this.failed = true
    this.strays.push({ kind: 'error', event: what, message: describeError(err) })
  }

  /** The node went over a limit the worker checks after a batch: reported with that batch. */
  noteLimit(message: string): void {
    if (this.failed) return
    this.failed = true
    this.strays.push({ kind: 'limit', event: this.describing, message })
  }

  snapshot(): NodeSnapshot {
    if (!this.actor) return { status: 'not started', value: null, context: null }
    const snap = this.loaded.getSnapshot() as { status: string; value: unknown; context: unknown }
    return { status: snap.status, value: snap.value, context: snap.context }
  }

  /** A line the node's code wrote with console.log & co. (installed by the worker). */
  log(level: string, text: string): void {
    this.push({ kind: 'log', level, text })
  }

  private handle(item: StepItem, entries: StepEntry[]): boolean {
    if (this.failed) return false
    const entry = this.open([item.t, item.seq], item.t)
    let handled = true
    try {
      switch (item.kind) {
        case 'start':
          this.describing = 'start'
          this.createAndStart()
          break
        case 'deliver': {
          this.describing = `${item.msg.type} from ${item.from}`
          this.deliver({ ...item.msg, from: item.from })
          break
        }
        case 'stdin':
          this.describing = `console input ${JSON.stringify(item.line)}`
          this.deliver({ type: 'stdin', line: item.line })
          break
        case 'event':
          this.describing = `the runtime's ${item.event.type}`
          this.deliver(item.event.type === 'pool.hashed' ? this.hashAnswer(item.event) : item.event)
          break
        case 'timer':
          this.describing = 'a timer'
          handled = this.fireTimer(item.timer)
          break
      }
    } catch (err) {
      this.fail(err)
    }
    this.close(entry, entries)
    return handled
  }

  private deliver(event: AnyEventObject): void {
    if (this.full) {
      // No enabled transition at all (a deliberate empty handler `{}` counts as handling it).
      const snap = this.loaded.getSnapshot() as { machine?: { getTransitionData?(s: unknown, e: AnyEventObject): unknown[] } }
      const transitions = snap.machine?.getTransitionData?.(snap, event)
      if (transitions && transitions.length === 0) {
        this.push({ kind: 'log', level: 'ignored', text: `ignored ${event.type} in state ${this.lastState ?? '?'}` })
      }
    }
    this.loaded.send(event)
  }

  /** `{ type: 'pool.hashed', id, token }` from the simulation, with the digests and the data. */
  private hashAnswer(event: AnyEventObject): AnyEventObject {
    const answer = this.hashes.answer(Number(event.token))
    if (!answer) throw new Error(`the runtime answered hash job ${String(event.token)}, which this node never asked for`)
    return { type: 'pool.hashed', id: event.id, digests: answer.digests, data: answer.data }
  }

  private fireTimer(id: number): boolean {
    if (!this.clock.isLive(id)) return false
    if (this.full) this.push({ kind: 'timer.fire', timer: id })
    return this.clock.fire(id)
  }

  private fireLocalBefore(time: number, entries: StepEntry[], progress?: Progress): number {
    let handled = 0
    for (let next = this.local.peek(); next && (next.key[0] as number) < time; next = this.local.peek()) {
      this.local.pop()
      this.localIds.delete(next.id)
      if (this.failed || !this.clock.isLive(next.id)) continue
      progress?.(PROGRESS_TIMER, next.key[0] as number)
      const entry = this.open(next.key, next.key[0] as number)
      try {
        this.describing = 'a timer'
        if (this.full) this.push({ kind: 'timer.fire', timer: next.id })
        this.clock.fire(next.id)
        handled++
      } catch (err) {
        this.fail(err)
      }
      this.close(entry, entries)
    }
    return handled
  }

  private open(key: Key, t: number): StepEntry {
    this.clock.now = t
    this.lastKey = key
    const entry: StepEntry = { key, t, effects: this.strays.length ? this.takeStrays() : [] }
    this.entry = entry
    return entry
  }

  private close(entry: StepEntry, entries: StepEntry[]): void {
    this.entry = null
    if (entry.effects.length > 0) entries.push(entry)
  }

  private takeStrays(): HostEffect[] {
    const strays = this.strays
    this.strays = []
    const failure = strays.find((effect) => effect.kind === 'error' || effect.kind === 'limit')
    if (failure) return [failure]
    // Lines logged and timers set outside an event (a module's top-level code) are fine: they go
    // with the next event, or with the batch that ran the promise callback that made them.
    if (strays.every((effect) => QUIET_STRAYS.has(effect.kind))) return strays
    return [
      {
        kind: 'error',
        event: 'outside any event',
        message:
          'the node emitted effects outside of handling an event (from a Promise, setImmediate or process.nextTick?); ' +
          'node code must be synchronous: use xstate delays for time and runtime effects for I/O',
      },
    ]
  }

  private push(effect: HostEffect): void {
    const effects = this.entry ? this.entry.effects : this.strays
    if (effects.length >= this.init.limits.effectsPerEvent && effect.kind !== 'error' && effect.kind !== 'limit') {
      if (this.failed) return
      this.failed = true
      effects.push({ kind: 'limit', event: this.describing, message: `it emitted more than ${this.init.limits.effectsPerEvent} effects (messages, timers, lines) while handling one event; a loop without end?` })
      return
    }
    effects.push(effect)
  }

  private onEmit(emitted: AnyEventObject): void {
    // xstate would report a throw from here on a later macrotask; fail the node now instead.
    try {
      this.takeEffect(emitted)
    } catch (err) {
      this.fail(err)
    }
  }

  private takeEffect(emitted: AnyEventObject): void {
    if (!EFFECT_TYPES.has(emitted.type)) {
      this.push({ kind: 'log', level: 'warn', text: `emitted '${emitted.type}', which is not a runtime effect (ignored)` })
      return
    }
    const effect = emitted as NodeEffect
    switch (effect.type) {
      case 'net.send': {
        const message: unknown = effect.message
        if (typeof effect.to !== 'string' || typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') {
          throw new TypeError(`send(to, message): needs an address string and a message object with a string \`type\` (got to=${JSON.stringify(effect.to)})`)
        }
        const sent: Extract<HostEffect, { kind: 'send' }> = { kind: 'send', to: effect.to, msg: effect.message }
        if (effect.transfer) sent.transfer = true
        if (effect.unreachable) sent.unreachable = true
        this.push(sent)
        break
      }
      case 'pool.hash':
        this.push({ kind: 'pool', job: this.hashes.add(checkHash(effect)) })
        break
      case 'console.print':
        this.push({ kind: 'print', line: String(effect.line) })
        break
      case 'console.prompt':
        this.push({ kind: 'prompt', text: String(effect.text) })
        break
      case 'app.result': {
        const message: unknown = effect.message
        if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') {
          throw new TypeError('toApp(message): needs a message object with a string `type`')
        }
        this.push({ kind: 'app', msg: effect.message })
        break
      }
    }
  }

  private onTimerSet(timer: ClockTimer, delay: number): void {
    if (this.clock.liveCount > this.init.limits.timers && !this.failed) {
      this.failed = true
      this.push({ kind: 'limit', event: this.describing, message: `it has more than ${this.init.limits.timers} timers set at once` })
    }
    if (this.full) this.push({ kind: 'timer.set', timer: timer.id, delay, at: timer.at })
    if (timer.at < this.until && this.entry) {
      this.local.push({ key: [timer.at, Infinity, ...this.entry.key, this.localCount++], id: timer.id })
      this.localIds.add(timer.id)
    } else {
      this.push({ kind: 'timer', timer: timer.id, at: timer.at })
    }
  }

  private onTimerCancel(id: number): void {
    if (this.full) this.push({ kind: 'timer.cancel', timer: id })
    if (!this.localIds.has(id)) this.push({ kind: 'cancel', timer: id })
  }

  /**
   * Machines the node spawns or invokes (a peer, a coordination) emit the node's effects too. Every
   * actor of the node's system registers when it starts, before its entry actions run: that is
   * where it gets the same listener as the node's own machine. False if this xstate has no such
   * seam (then inspection finds them instead).
   */
  private hookChildren(actor: AnyActor): boolean {
    const system = actor.system as { _register?: (sessionId: string, ref: AnyActor) => unknown }
    const register = system._register
    if (typeof register !== 'function') return false
    system._register = (sessionId, ref) => {
      this.listen(ref)
      return register.call(system, sessionId, ref)
    }
    return true
  }

  /** Hears what an actor of the node's system emits, once however many seams find it. */
  private listen(ref: AnyActor): void {
    if (this.listening.has(ref)) return
    this.listening.add(ref)
    ref.on('*', (emitted: AnyEventObject) => this.onEmit(emitted))
  }

  private onInspect(event: InspectionEvent, childrenHooked: boolean): void {
    const root = event.actorRef.sessionId === event.rootId
    if (event.type === '@xstate.actor') {
      // Children spawned by the initial state exist (and are inspected) before they register.
      if (!root && !childrenHooked) this.listen(event.actorRef as AnyActor)
      return
    }
    if (!this.full || event.type !== '@xstate.snapshot') return
    const snap = event.snapshot as { value?: unknown; status?: string }
    if (snap.value === undefined) return
    const to = stateName(snap.value as Parameters<typeof stateName>[0])
    if (root) {
      if (to === this.lastState) return
      this.push({ kind: 'state', from: this.lastState, to, event: event.event.type })
      this.lastState = to
      return
    }
    // A spawned or invoked machine: its states are traced under its id (`peer 10.0.7.12`).
    const id = (event.actorRef as AnyActor).id
    const from = this.childStates.get(id) ?? null
    if (to === from) return
    this.push({ kind: 'state', actor: id, from, to, event: event.event.type })
    this.childStates.set(id, to)
  }

  private fail(err: unknown): void {
    if (this.failed) return
    this.failed = true
    this.push({ kind: 'error', event: this.describing, message: describeError(err) })
  }
}

/** A hash request as HashJobs takes it, or a TypeError that says what is wrong with it. */
function checkHash(effect: HashEffect): HashRequest {
  const { id, data, partSize } = effect
  const algorithm = effect.algorithm ?? 'sha1'
  if (typeof id !== 'string' && typeof id !== 'number') throw new TypeError('hash(id, data): id must be a string or a number, to match the answer to the request')
  if (!(data instanceof Uint8Array || data instanceof ArrayBuffer)) throw new TypeError(`hash(${JSON.stringify(id)}, data): data must be a Uint8Array or an ArrayBuffer`)
  if (data instanceof Uint8Array && !(data.buffer instanceof ArrayBuffer)) throw new TypeError(`hash(${JSON.stringify(id)}, data): data must not live in a SharedArrayBuffer (it is handed over to the pool)`)
  if (partSize !== undefined && !(Number.isInteger(partSize) && partSize > 0)) throw new TypeError(`hash(${JSON.stringify(id)}, data, { partSize }): partSize must be a positive integer (got ${partSize})`)
  if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) throw new TypeError(`hash(): algorithm must be one of ${HASH_ALGORITHMS.join(', ')} (got ${JSON.stringify(algorithm)})`)
  return partSize === undefined ? { id, data, algorithm } : { id, data, partSize, algorithm }
}

/** The message and the first stack frames that point into node code, not the runtime. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return `threw ${safeString(err)}`
  const frames = (err.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at ') && !/node_modules|node:internal|runtime[/\\]host/.test(line))
    .slice(0, 3)
    .map((line) => line.replaceAll(`${process.cwd()}/`, ''))
  return [`${err.name}: ${err.message}`, ...frames].join('\n    ')
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value)
  } catch {
    return '(unprintable value)'
  }
}
