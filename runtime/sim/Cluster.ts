// The driver's view of a simulated run: start nodes, talk to them through clients, inject faults
// with turmoil's verbs, and wait in virtual time. Time moves only while the driver awaits.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { compileModule } from '../build/compileModule.ts'
import { DistlabError, messageOf } from '../errors.ts'
import type { HostInit, NodeSnapshot, TornWrite, TraceLevel } from '../host/protocol.ts'
import { tearPoint } from '../host/WriteLog.ts'
import { underPermissionModel } from '../host/workerFlags.ts'
import { validateBandwidth, type BandwidthConfig } from '../network/Bandwidth.ts'
import { describeLink, type LinkConfig } from '../network/LinkConfig.ts'
import { sharedHashPool } from '../pool/HashPool.ts'
import { VirtualPool, validatePoolConfig } from '../pool/VirtualPool.ts'
import type { LinkRule } from '../network/LinkRules.ts'
import { SimNetwork } from '../network/SimNetwork.ts'
import type { Message } from '../node/types.ts'
import { Rng, deriveSeed } from '../rng.ts'
import { TRACE_FORMAT, type MetaRecord, type TraceRecord } from '../trace/records.ts'
import { TraceFile } from '../trace/TraceFile.ts'
import { ListenerSink, MemorySink, Tracer } from '../trace/Tracer.ts'
import { ClientHandle } from './ClientHandle.ts'
import type { Endpoint } from './Endpoint.ts'
import type { HostHandle } from '../host/HostHandle.ts'
import { InlineHost } from '../host/InlineHost.ts'
import { DEFAULT_TEAR_WITHIN, NODE_LIMITS, type ClusterOptions, type NodeLimits, type NodeSpec, validateClusterOptions } from './options.ts'
import { SimNode, type NodeStatus } from './SimNode.ts'
import { Simulation, type SimulationStats } from './Simulation.ts'
import { Waiter } from './Waiter.ts'
import { WorkerHost } from '../host/WorkerHost.ts'

export interface NodeView {
  readonly name: string
  readonly address: string
  readonly role: string
  readonly status: NodeStatus
  readonly incarnation: number
  /** Every line the node printed so far (prompts excluded), across restarts. */
  readonly console: readonly string[]
  /** How many of its writes crashes have torn (runs with `tornWrites` only). */
  readonly tornWrites: number
  /** Errors that took it down, oldest first (runs with `nodeErrors: 'crash-node'` only). */
  readonly errors: readonly string[]
}

export class Cluster {
  readonly seed: number
  readonly network: SimNetwork
  private readonly sim: Simulation
  private readonly tracer = new Tracer()
  private readonly memory: MemorySink | null
  private readonly traceFile: TraceFile | null
  private readonly nodes = new Map<string, SimNode>()
  private readonly clients = new Map<string, ClientHandle>()
  private readonly byAddress = new Map<string, Endpoint>()
  private readonly dataRoot: string
  private readonly ownsDataRoot: boolean
  private stopped = false
  /** Workers of crashed incarnations, still exiting. */
  private readonly terminating = new Set<Promise<void>>()
  /** Virtual ms before a crash in which a node's last write can be torn; null: no tearing. */
  private readonly tearWithin: number | null
  private readonly diskRng: Rng
  private readonly limits: NodeLimits

  private constructor(private readonly options: Required<Pick<ClusterOptions, 'seed' | 'stepTimeoutMs' | 'host'>> & ClusterOptions) {
    this.seed = options.seed
    this.limits = { ...NODE_LIMITS, ...options.limits }
    this.network = new SimNetwork(options.network, new Rng(deriveSeed(this.seed, 'network')))
    const torn = options.tornWrites
    this.tearWithin = torn === true ? DEFAULT_TEAR_WITHIN : torn ? (torn.withinMs ?? DEFAULT_TEAR_WITHIN) : null
    this.diskRng = new Rng(deriveSeed(this.seed, 'disk'))
    const trace = options.trace ?? {}
    this.memory = trace.memory ? new MemorySink(trace.memory === true ? 'net' : trace.memory) : null
    if (this.memory) this.tracer.add(this.memory)
    if (trace.listener) this.tracer.add(new ListenerSink(trace.listenerLevel ?? 'net', trace.listener))
    this.traceFile = trace.file ? new TraceFile(resolve(trace.file), this.meta(), trace.level ?? 'full') : null
    if (this.traceFile) this.tracer.add(this.traceFile)
    this.ownsDataRoot = options.dataRoot === undefined
    this.dataRoot = options.dataRoot ?? mkdtempSync(join(tmpdir(), 'distlab-'))
    const bandwidth = validateBandwidth(options.bandwidth, 'options.bandwidth')
    if (bandwidth) this.network.bandwidth.setDefault(bandwidth)
    for (const spec of options.nodes) {
      const own = validateBandwidth(spec.bandwidth, `node ${spec.name}: bandwidth`)
      if (own) this.network.bandwidth.setNode(spec.name, own)
    }
    this.sim = new Simulation(this.network, this.tracer, { byAddress: (a) => this.byAddress.get(a) as never }, {
      maxTime: options.maxTime ?? Infinity,
      batching: options.batching !== false,
      unreachableAfter: options.unreachableAfter ?? 1000,
      poolClock: new VirtualPool(validatePoolConfig(options.pool, 'options.pool')),
      hashes: sharedHashPool(),
    })
    this.sim.onNodeFailure = (node, message) => {
      if (options.nodeErrors === 'crash-node' && node.status === 'up') {
        node.errors.push(message)
        // That node alone goes down, its worker ended (its state is not to be trusted); nothing is
        // torn: the node stopped itself, the machine did not lose power.
        this.sim.trace({ t: this.now, node: node.name, kind: 'node.crash' })
        this.takeDown(node, { tear: false, terminate: true })
        return true
      }
      node.status = 'failed'
      if (node.host) this.track(node.host.terminate())
      return false
    }
  }

  /** Compiles the node modules, starts a host per node, and schedules every node's start at t=0. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const valid = validateClusterOptions(options)
    const cluster = new Cluster(valid)
    try {
      await cluster.boot(valid.nodes)
    } catch (err) {
      await cluster.stop()
      throw err
    }
    return cluster
  }

  // ---- time -------------------------------------------------------------------------------

  get now(): number {
    return this.sim.now
  }

  get stats(): Readonly<SimulationStats> {
    return this.sim.stats
  }

  /** Set when the run failed (a node threw or hung, the time limit passed); the run is over. */
  get failure(): Error | null {
    return this.sim.failure
  }

  sleep(ms: number): Promise<void> {
    if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) throw new TypeError(`sleep(ms): ms must be a finite, non-negative number of virtual ms (got ${ms})`)
    const waiter = new Waiter<void>(`a sleep of ${ms} ms`)
    waiter.deadline = this.sim.at(this.now + ms, () => this.sim.settle(waiter, undefined))
    return this.sim.wait(waiter)
  }

  /**
   * Runs until `condition()` holds (checked after every step, so it may be observed up to one
   * link latency late), failing after `timeout` virtual ms with "`what` did not happen".
   */
  until(condition: () => boolean, options: { timeout: number; what: string }): Promise<void> {
    const timeout = options?.timeout
    if (!(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0)) throw new TypeError(`until(condition, { timeout, what }): timeout must be a positive number of virtual ms (got ${timeout})`)
    if (typeof options.what !== 'string') throw new TypeError('until(condition, { timeout, what }): what must say what is awaited, for the error if it never happens')
    const waiter = new Waiter<void>(options.what)
    try {
      if (condition()) return Promise.resolve()
    } catch (err) {
      return Promise.reject(err)
    }
    waiter.check = condition
    waiter.deadline = this.sim.at(this.now + options.timeout, () =>
      this.sim.expire(waiter, new DistlabError('TIME_LIMIT', `${options.what} did not happen within ${options.timeout} ms (virtual)`)),
    )
    return this.sim.wait(waiter)
  }

  /**
   * Runs `count` more node events (deliveries, timers, console input), however long that takes,
   * or until nothing is left to happen: a quiet system has nothing more to do.
   */
  runEvents(count: number): Promise<void> {
    if (!(Number.isInteger(count) && count >= 0)) throw new TypeError(`runEvents(count): count must be a non-negative integer (got ${count})`)
    if (count === 0) return Promise.resolve()
    const waiter = new Waiter<void>(`${count} more events`)
    waiter.events = count
    waiter.settlesWhenIdle = true
    return this.sim.wait(waiter)
  }

  // ---- endpoints --------------------------------------------------------------------------

  node(name: string): NodeView {
    return this.nodeNamed(name)
  }

  get nodeNames(): string[] {
    return [...this.nodes.keys()]
  }

  /** A client endpoint (created on first use) living in the network. */
  client(name: string, options: { address?: string; role?: string } = {}): ClientHandle {
    const existing = this.clients.get(name)
    if (existing) return existing
    if (this.nodes.has(name)) throw new DistlabError('BAD_INPUT', `'${name}' is a node; give the client another name`)
    const address = options.address ?? name
    if (this.byAddress.has(address)) throw new DistlabError('BAD_INPUT', `address ${address} is already taken by '${this.byAddress.get(address)?.name}'`)
    const client = new ClientHandle(name, address, options.role ?? 'client', this.sim, (x) => this.endpoint(x))
    this.clients.set(name, client)
    this.byAddress.set(address, client)
    return client
  }

  /** The node's data directory: files put there before `start(name)` are what the node finds. */
  dataDir(name: string): string {
    return this.nodeNamed(name).dataDir
  }

  /** Starts a node that was declared with `start: false`, or that crashed (then it is a restart). */
  start(name: string): void {
    const node = this.nodeNamed(name)
    if (node.incarnation > 0) return this.restart(name)
    this.launch(node)
  }

  /** Types a line at a node's console (delivered as `{ type: 'stdin', line }`). */
  input(name: string, line: string): void {
    const node = this.nodeNamed(name)
    this.sim.enqueue({ t: this.now, seq: this.sim.nextSeq(), kind: 'stdin', node, inc: node.incarnation, line })
  }

  /** The node's machine state and context, at the current virtual instant. */
  async inspect(name: string): Promise<NodeSnapshot> {
    const node = this.nodeNamed(name)
    if (node.status !== 'up' || !node.ready) throw new DistlabError('BAD_INPUT', `node '${name}' is ${node.status}; there is no state to inspect`)
    const ready = node.ready
    return this.sim.hold(ready.then((host) => host.inspect()))
  }

  // ---- faults -----------------------------------------------------------------------------

  /**
   * Kills the node: memory, timers and messages in flight to it are lost; its data directory stays
   * (with its last write torn, in a run with `tornWrites`, unless `{ tear: false }`).
   */
  crash(name: string, options: { tear?: boolean } = {}): void {
    const node = this.nodeNamed(name)
    if (node.status === 'down' || node.status === 'failed') return
    this.sim.trace({ t: this.now, node: name, kind: 'node.crash' })
    this.takeDown(node, { tear: options.tear !== false })
  }

  /** Resolves once what crashes did to data directories is on disk: read them after this. */
  async settled(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((node) => node.tearing))
  }

  /** Starts a new incarnation from the node's inputs and data directory (crashing it first if up). */
  restart(name: string): void {
    const node = this.nodeNamed(name)
    if (node.status === 'failed') throw new DistlabError('BAD_INPUT', `node '${name}' failed; a failed run cannot go on`)
    if (node.status !== 'down') this.takeDown(node)
    this.launch(node)
    this.sim.trace({ t: this.now, node: name, kind: 'node.restart', incarnation: node.incarnation })
  }

  /** Listed endpoints talk only within their group; endpoints not listed keep all their links. */
  partition(...groups: string[][]): void {
    for (const group of groups) for (const name of group) this.endpoint(name)
    this.addRule({ kind: 'partition', groups: groups.map((g) => g.map((n) => this.endpoint(n).name)) }, `partition ${groups.map((g) => `{${g.join(', ')}}`).join(' | ')}`)
  }

  /** Cuts a node from every other node; clients still reach it unless `clients` is set. */
  isolate(name: string, options: { clients?: boolean } = {}): void {
    this.nodeNamed(name)
    this.addRule({ kind: 'isolate', node: name, clients: options.clients === true }, `isolate ${name}${options.clients ? ' (clients too)' : ''}`)
  }

  reconnect(name: string): void {
    this.nodeNamed(name)
    this.network.rules.reconnect(name)
    this.fault('reconnect', `reconnect ${name}`)
  }

  /** Loses every message from `from` to `to`; the other direction still works. */
  block(from: string, to: string): void {
    this.addRule({ kind: 'block', from: this.endpoint(from).name, to: this.endpoint(to).name }, `block ${from} → ${to}`)
  }

  unblock(from: string, to: string): void {
    this.network.rules.unblock(this.endpoint(from).name, this.endpoint(to).name)
    this.fault('unblock', `unblock ${from} → ${to}`)
  }

  /** Removes every partition, isolation and block. */
  heal(): void {
    this.network.rules.heal()
    this.fault('heal', 'all links restored')
  }

  /** Changes the default behaviour of every link. */
  configureNetwork(patch: LinkConfig): void {
    this.network.configure(patch)
    this.fault('network', `every link: ${describeLink(patch)}`)
  }

  /** Changes a node's uplink and downlink (bytes per virtual second); `null` restores the cluster's. */
  configureBandwidth(name: string, bandwidth: BandwidthConfig | number | null): void {
    const node = this.nodeNamed(name)
    let capacity = null
    try {
      capacity = bandwidth === null ? null : (validateBandwidth(bandwidth, `configureBandwidth('${name}')`) ?? null)
    } catch (err) {
      throw new DistlabError('BAD_INPUT', messageOf(err))
    }
    this.network.bandwidth.setNode(node.name, capacity)
    const words = capacity === null ? 'back to the default' : `up ${rate(capacity.up)}, down ${rate(capacity.down)}`
    this.fault('bandwidth', `${name}: ${words}`)
  }

  /** Changes one link (both directions unless `oneWay`); `null` restores the defaults. */
  configureLink(a: string, b: string, patch: LinkConfig | null, options: { oneWay?: boolean } = {}): void {
    const from = this.endpoint(a).name
    const to = this.endpoint(b).name
    this.network.configureLink(from, to, patch)
    if (!options.oneWay) this.network.configureLink(to, from, patch)
    this.fault('link', `link ${from} ${options.oneWay ? '→' : '↔'} ${to}: ${patch === null ? 'back to the defaults' : describeLink(patch)}`)
  }

  // ---- trace ------------------------------------------------------------------------------

  /** Records kept in memory (with `trace: { memory: true }`); empty otherwise. */
  get records(): readonly TraceRecord[] {
    return this.memory?.records ?? []
  }

  get tracePath(): string | null {
    return this.traceFile?.path ?? null
  }

  /** A narration line in the trace (a scenario's chapters and commentary). */
  note(text: string, options: { heading?: boolean } = {}): void {
    this.sim.trace({ t: this.now, node: 'lab', kind: 'note', text, ...(options.heading ? { heading: true } : {}) })
  }

  /** Lets everything already scheduled for the current instant happen (typed input, say). */
  settle(): Promise<void> {
    return this.sleep(0)
  }

  /** Records a grader check in the trace. */
  check(ok: boolean, sentence: string): void {
    this.sim.trace({ t: this.now, node: 'grader', kind: 'check', ok, sentence })
  }

  /** Terminates every worker, closes the trace and removes the temporary data directories. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.sim.stop()
    const nodes = [...this.nodes.values()]
    const hosts = await Promise.allSettled(nodes.map((n) => n.ready ?? Promise.resolve(null)))
    // Healthy nodes' workers are retired (reused in trusted runs); data directories go only once
    // every node has stopped: none may still be writing.
    await Promise.all(hosts.map((h, i) => (h.status !== 'fulfilled' ? undefined : nodes[i]?.status === 'up' ? h.value?.retire() : h.value?.terminate())))
    await Promise.all(this.terminating)
    this.tracer.close()
    if (this.ownsDataRoot) {
      try {
        rmSync(this.dataRoot, { recursive: true, force: true, maxRetries: 3 })
      } catch {
        // A leftover temporary directory is not worth failing a run over.
      }
    }
  }

  // ---- internals --------------------------------------------------------------------------

  private async boot(specs: NodeSpec[]): Promise<void> {
    const urls = await Promise.all(
      specs.map((spec) =>
        compileModule(spec.module, { kind: 'node' }).catch((err: unknown) => {
          throw new DistlabError('NODE_LOAD', `node '${spec.name}' (${spec.module}): ${messageOf(err)}`)
        }),
      ),
    )
    const addresses = specs.map((s) => s.address ?? s.name)
    specs.forEach((spec, i) => {
      const address = addresses[i] as string
      const dataDir = join(this.dataRoot, spec.name)
      mkdirSync(dataDir, { recursive: true })
      const peers = spec.peers ?? addresses.filter((a) => a !== address)
      const node = new SimNode(spec.name, address, spec.role ?? 'node', urls[i] as string, spec.config ?? {}, peers, dataDir)
      this.nodes.set(spec.name, node)
      this.byAddress.set(address, node)
    })
    for (const spec of specs) if (spec.start !== false) this.launch(this.nodeNamed(spec.name))
    const loads = await Promise.allSettled([...this.nodes.values()].map((n) => n.ready))
    const failed = loads.flatMap((r, i) => (r.status === 'rejected' ? [`node '${specs[i]?.name}' (${specs[i]?.module}): ${messageOf(r.reason)}`] : []))
    if (failed.length) throw new DistlabError('NODE_LOAD', failed.join('\n'))
  }

  private launch(node: SimNode): void {
    node.incarnation++
    node.status = 'starting'
    node.timers.clear()
    const init: HostInit = {
      name: node.name,
      address: node.address,
      peers: node.peers,
      config: node.config,
      dataDir: node.dataDir,
      seed: deriveSeed(this.seed, 'node', node.name, node.incarnation),
      incarnation: node.incarnation,
      trace: this.tracer.level,
      logWrites: this.tearWithin !== null,
      limits: { buffersMb: this.limits.buffersMb, effectsPerEvent: this.limits.effectsPerEvent, timers: this.limits.timers },
      permission: underPermissionModel(),
    }
    // A torn write of the previous incarnation is undone on disk before this one can read it.
    const tearing = node.tearing ?? Promise.resolve()
    const ready: Promise<HostHandle> =
      this.options.host === 'inline'
        ? tearing.then(() => InlineHost.create(init, node.moduleUrl, { shareModules: this.options.shareModules }))
        : tearing.then(() => WorkerHost.spawn(init, node.moduleUrl, {
            stepTimeoutMs: this.options.stepTimeoutMs,
            heapMb: this.limits.heapMb,
            onDeath: (message) => {
              if (node.ready !== ready) return
              this.sim.trace({ t: this.now, node: node.name, kind: 'node.error', error: message })
              node.status = 'failed'
              this.sim.fail(new DistlabError('NODE_FAILED', message))
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
    this.sim.enqueue({ t: this.now, seq: this.sim.nextSeq(), kind: 'start', node, inc: node.incarnation })
  }

  // The incarnation's memory goes with its host: its worker is retired (terminated, or in trusted
  // runs reset and reused when idle and healthy; a worker caught mid-batch or dead is
  // terminated). In a run with torn
  // writes, the write to tear is chosen here, from what the simulation saw, so it is the same on
  // every run of the seed; the host undoes its tail before it goes.
  /** The node goes down; its worker retires (or, `terminate`, is ended: it failed). */
  private takeDown(node: SimNode, options: { tear?: boolean; terminate?: boolean } = {}): void {
    node.status = 'down'
    node.timers.clear()
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
        this.sim.fail(new DistlabError('NODE_FAILED', `node '${node.name}': tearing its last write failed: ${messageOf(err)}`))
      })
    node.tearing = pending.then((host) => undo(host).then(() => host.retire()), () => {})
    this.track(node.tearing)
  }

  /** The write a crash now tears, and where, or null; traced as `disk.torn`. */
  private tearOf(node: SimNode): { write: TornWrite; cut: number } | null {
    const last = node.lastWrite
    if (this.tearWithin === null || !last || this.now - last.t > this.tearWithin) return null
    const write: TornWrite = { file: last.file, offset: last.offset, length: last.length }
    const cut = tearPoint(write, this.diskRng.float())
    node.tornWrites++
    this.sim.trace({ t: this.now, node: node.name, kind: 'disk.torn', file: relative(node.dataDir, write.file), offset: write.offset, length: write.length, kept: cut - write.offset })
    return { write, cut }
  }

  private track(exiting: Promise<void>): void {
    this.terminating.add(exiting)
    void exiting.finally(() => this.terminating.delete(exiting))
  }

  private addRule(rule: LinkRule, detail: string): void {
    this.network.rules.add(rule)
    this.sim.trace({ t: this.now, node: 'network', kind: 'fault', fault: rule.kind, detail, rule })
  }

  private fault(fault: string, detail: string): void {
    this.sim.trace({ t: this.now, node: 'network', kind: 'fault', fault, detail })
  }

  private nodeNamed(name: string): SimNode {
    const node = this.nodes.get(name)
    if (!node) throw new DistlabError('BAD_INPUT', `no node named '${name}'; nodes: ${[...this.nodes.keys()].join(', ') || '(none)'}`)
    return node
  }

  /** A node or client, by name or address. */
  private endpoint(nameOrAddress: string): Endpoint {
    const found = this.nodes.get(nameOrAddress) ?? this.clients.get(nameOrAddress) ?? this.byAddress.get(nameOrAddress)
    if (!found) {
      const known = [...this.nodes.keys(), ...this.clients.keys()]
      throw new DistlabError('BAD_INPUT', `no node or client named '${nameOrAddress}'; known: ${known.join(', ') || '(none)'}`)
    }
    return found
  }

  private meta(): MetaRecord {
    return {
      kind: 'meta',
      format: TRACE_FORMAT,
      seed: this.seed,
      title: this.options.trace?.title ?? '',
      endpoints: this.options.nodes.map((n) => ({ name: n.name, address: n.address ?? n.name, role: n.role ?? 'node', client: false })),
    }
  }
}

export type { ClusterOptions, NodeSpec, TraceLevel, Message }

function rate(bytesPerSecond: number): string {
  if (bytesPerSecond === Infinity) return 'unlimited'
  return bytesPerSecond >= 1e6 ? `${+(bytesPerSecond / 1e6).toFixed(2)} MB/s` : `${+(bytesPerSecond / 1e3).toFixed(2)} kB/s`
}
