// The driver's view of a simulated run: start nodes, talk to them through clients, inject faults
// with turmoil's verbs, and wait in virtual time. Time moves only while the driver awaits.
// It is long because it is the whole driver API in one place (some forty short verbs a grader
// reads as a list); each hands the work to the part that does it: Simulation (the queue and the
// waits), Incarnations (node lifecycles), SimNetwork (links and rules), the tracer.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { compileModule } from '../build/compileModule.ts'
import { DistlabError, isDistlabError, messageOf } from '../errors.ts'
import type { NodeSnapshot, TraceLevel } from '../host/protocol.ts'
import { validateBandwidth, type BandwidthConfig } from '../network/Bandwidth.ts'
import { describeLink, type LinkConfig } from '../network/LinkConfig.ts'
import { VirtualPool, validatePoolConfig } from '../pool/VirtualPool.ts'
import type { LinkRule } from '../network/LinkRules.ts'
import { SimNetwork } from '../network/SimNetwork.ts'
import { RealSockets, type OpenedSocket } from '../real/RealSockets.ts'
import type { Message } from '../node/types.ts'
import { Rng, deriveSeed } from '../rng.ts'
import { TRACE_FORMAT, type MetaRecord, type TraceRecord } from '../trace/records.ts'
import { TraceFile } from '../trace/TraceFile.ts'
import { ListenerSink, MemorySink, Tracer } from '../trace/Tracer.ts'
import { AppHandle } from './AppHandle.ts'
import { ClientHandle } from './ClientHandle.ts'
import type { Endpoint } from './Endpoint.ts'
import { Incarnations } from './Incarnations.ts'
import { CLUSTER_DEFAULTS, NODE_LIMITS, type ClusterOptions, type NodeSpec, validateClusterOptions } from './options.ts'
import { SimNode, type NodeStatus } from './SimNode.ts'
import { Simulation, type SimulationStats } from './Simulation.ts'
import { Waiter } from './Waiter.ts'

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
  private readonly apps = new Map<string, AppHandle>()
  private readonly byAddress = new Map<string, Endpoint>()
  private readonly dataRoot: string
  private readonly ownsDataRoot: boolean
  private stopped = false
  private readonly incarnations: Incarnations
  /** Real mode's sockets; null in sim. */
  private readonly real: RealSockets | null

  private constructor(private readonly options: Required<Pick<ClusterOptions, 'seed' | 'stepTimeoutMs' | 'host'>> & ClusterOptions) {
    this.seed = options.seed
    this.real =
      options.mode === 'real'
        ? new RealSockets(
            { transport: options.transport ?? CLUSTER_DEFAULTS.transport, ports: options.ports ?? CLUSTER_DEFAULTS.ports, rpc: options.rpc },
            {
              arrive: (to, from, msg, id) => this.sim.arrive(to, from, msg, id),
              refused: (from, to, msg) => this.sim.refused(from, to, msg),
              problem: (endpoint, text) => this.sim.trace({ t: this.now, node: endpoint, kind: 'log', level: 'warn', text }),
            },
          )
        : null
    // Real sockets bring their own latency: a link adds none unless the run asks for it.
    const links = this.real ? { latency: 0, ...options.network } : options.network
    this.network = new SimNetwork(links, new Rng(deriveSeed(this.seed, 'network')))
    const trace = options.trace ?? {}
    if (options.secrets) this.tracer.hideSecrets(options.secrets)
    this.memory = trace.memory ? new MemorySink(trace.memory === true ? CLUSTER_DEFAULTS.traceMemoryLevel : trace.memory) : null
    if (this.memory) this.tracer.add(this.memory)
    if (trace.listener) this.tracer.add(new ListenerSink(trace.listenerLevel ?? CLUSTER_DEFAULTS.traceListenerLevel, trace.listener))
    this.traceFile = trace.file ? new TraceFile(resolve(trace.file), this.meta(), trace.level ?? CLUSTER_DEFAULTS.traceFileLevel) : null
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
      maxTime: options.maxTime ?? CLUSTER_DEFAULTS.maxTime,
      batching: !this.real && (options.batching ?? CLUSTER_DEFAULTS.batching) !== false,
      timing: options.timing === true,
      real: this.real ?? undefined,
      unreachableAfter: options.unreachableAfter ?? CLUSTER_DEFAULTS.unreachableAfter,
      poolClock: new VirtualPool(validatePoolConfig(options.pool, 'options.pool')),
    })
    const torn = options.tornWrites
    this.incarnations = new Incarnations(this.sim, this.tracer, {
      seed: this.seed,
      host: options.host,
      stepTimeoutMs: options.stepTimeoutMs,
      shareModules: options.shareModules,
      nodeErrors: options.nodeErrors,
      limits: { ...NODE_LIMITS, ...options.limits },
      tearWithin: torn === true ? CLUSTER_DEFAULTS.tearWithinMs : torn ? (torn.withinMs ?? CLUSTER_DEFAULTS.tearWithinMs) : null,
    })
    this.sim.onNodeFailure = (node, message) => this.incarnations.nodeFailed(node, message)
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
    waiter.deadline = this.sim.at(this.now + ms, () => this.sim.waits.resolveWaiter(waiter, undefined))
    return this.sim.waits.wait(waiter)
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
      this.sim.waits.expire(waiter, new DistlabError('TIME_LIMIT', `${options.what} did not happen within ${options.timeout} ms (virtual)`)),
    )
    return this.sim.waits.wait(waiter)
  }

  /**
   * Real mode: runs the nodes until the cluster is stopped (a node serving programs outside the
   * lab must answer whenever they write, not only while a driver awaits something). Resolves at
   * stop; rejects if the run fails (a node threw).
   */
  serve(): Promise<void> {
    if (!this.real) throw new DistlabError('BAD_INPUT', "serve() runs a cluster in mode 'real' until it is stopped; a simulation only moves while a driver waits")
    const waiter = new Waiter<void>('the cluster to be stopped')
    waiter.patient = true
    return this.sim.waits.wait(waiter).catch((err: unknown) => {
      if (isDistlabError(err) && err.code === 'STOPPED') return
      throw err
    })
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
    waiter.resolvesWhenIdle = true
    return this.sim.waits.wait(waiter)
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
    const client = new ClientHandle(name, address, options.role ?? CLUSTER_DEFAULTS.clientRole, this.sim, (x) => this.endpoint(x))
    this.clients.set(name, client)
    this.byAddress.set(address, client)
    this.real?.open(client).catch((err: unknown) => this.sim.trace({ t: this.now, node: name, kind: 'log', level: 'warn', text: messageOf(err) }))
    return client
  }

  /**
   * The application on a node's own machine (created on first use): it hands the node requests as
   * events and takes what the node gives back with `toApp` (the reliable socket's `sendto` and
   * `recvfrom`). It is not on the network: faults do not touch it.
   */
  app(name: string): AppHandle {
    const node = this.nodeNamed(name)
    let app = this.apps.get(name)
    if (!app) this.apps.set(name, (app = new AppHandle(node, this.sim)))
    return app
  }

  /** The node's data directory: files put there before `start(name)` are what the node finds. */
  dataDir(name: string): string {
    return this.nodeNamed(name).dataDir
  }

  /**
   * Gives a node that is down another `input.config` for its next start (a program run again with
   * other arguments: the disk-client grader runs one command per start).
   */
  setConfig(name: string, config: unknown): void {
    const node = this.nodeNamed(name)
    if (node.status !== 'down') throw new DistlabError('BAD_INPUT', `setConfig('${name}'): the node is ${node.status}; a config can change only while it is down`)
    try {
      node.config = structuredClone(config)
    } catch (err) {
      throw new DistlabError('BAD_INPUT', `setConfig('${name}'): the config is not plain data (${err instanceof Error ? err.message : String(err)})`)
    }
  }

  /** Starts a node that was declared with `start: false`, or that crashed (then it is a restart). */
  start(name: string): void {
    const node = this.nodeNamed(name)
    if (node.incarnation > 0) return this.restart(name)
    this.incarnations.launch(node)
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
    return this.sim.waits.hold(ready.then((host) => host.inspect()))
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
    this.incarnations.takeDown(node, { tear: options.tear !== false })
  }

  /** Resolves once what crashes did to data directories (torn writes) is on disk: read them after this. */
  async tornWritesOnDisk(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((node) => node.tearing))
  }

  /** Starts a new incarnation from the node's inputs and data directory (crashing it first if up). */
  restart(name: string): void {
    const node = this.nodeNamed(name)
    if (node.status === 'failed') throw new DistlabError('BAD_INPUT', `node '${name}' failed; a failed run cannot go on`)
    if (node.status !== 'down') this.incarnations.takeDown(node)
    this.incarnations.launch(node)
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

  /** Virtual ms of sending still queued on a node's uplink (0 when idle, or when its uplink is unlimited). */
  uplinkQueued(name: string): number {
    return Math.max(0, this.network.bandwidth.uplinkBusyUntil(this.nodeNamed(name).name) - this.now)
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
  finishInstant(): Promise<void> {
    return this.sleep(0)
  }

  /** Records a grader check in the trace. */
  check(ok: boolean, sentence: string): void {
    this.sim.trace({ t: this.now, node: 'grader', kind: 'check', ok, sentence })
  }

  /** Real mode: the sockets opened so far (name, logical address, real `127.0.0.1:port`); [] in sim. */
  get sockets(): OpenedSocket[] {
    return this.real?.opened() ?? []
  }

  /** 'real' when messages go over loopback sockets in wall-clock time. */
  get mode(): 'sim' | 'real' {
    return this.real ? 'real' : 'sim'
  }

  /** Terminates every worker, closes every socket and the trace, and removes the temporary data directories. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.sim.waits.stop()
    await this.real?.close()
    const nodes = [...this.nodes.values()]
    const hosts = await Promise.allSettled(nodes.map((n) => n.ready ?? Promise.resolve(null)))
    // Healthy nodes' workers are retired (reused in trusted runs); data directories go only once
    // every node has stopped: none may still be writing.
    await Promise.all(hosts.map((h, i) => (h.status !== 'fulfilled' ? undefined : nodes[i]?.status === 'up' ? h.value?.retire() : h.value?.terminate())))
    await this.incarnations.exited()
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
      const dataDir = spec.dataDir ? resolve(spec.dataDir) : join(this.dataRoot, spec.name)
      mkdirSync(dataDir, { recursive: true })
      const peers = spec.peers ?? addresses.filter((a) => a !== address)
      const node = new SimNode(spec.name, address, spec.role ?? CLUSTER_DEFAULTS.nodeRole, urls[i] as string, spec.config ?? {}, peers, dataDir)
      this.nodes.set(spec.name, node)
      this.byAddress.set(address, node)
    })
    // Real mode: every node's socket is open before any node can send.
    if (this.real) await Promise.all([...this.nodes.values()].map((node) => this.real?.open(node)))
    for (const spec of specs) if (spec.start !== false) this.incarnations.launch(this.nodeNamed(spec.name))
    const loads = await Promise.allSettled([...this.nodes.values()].map((n) => n.ready))
    const failed = loads.flatMap((r, i) => (r.status === 'rejected' ? [`node '${specs[i]?.name}' (${specs[i]?.module}): ${messageOf(r.reason)}`] : []))
    if (failed.length) throw new DistlabError('NODE_LOAD', failed.join('\n'))
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
      ...(this.options.mode === 'real' ? { mode: 'real' as const, note: 'real mode: wall-clock time and loopback sockets; the same seed does not give the same trace' } : {}),
      endpoints: this.options.nodes.map((n) => ({ name: n.name, address: n.address ?? n.name, role: n.role ?? CLUSTER_DEFAULTS.nodeRole, client: false })),
    }
  }
}

export type { ClusterOptions, NodeSpec, TraceLevel, Message }

function rate(bytesPerSecond: number): string {
  if (bytesPerSecond === Infinity) return 'unlimited'
  return bytesPerSecond >= 1e6 ? `${+(bytesPerSecond / 1e6).toFixed(2)} MB/s` : `${+(bytesPerSecond / 1e3).toFixed(2)} kB/s`
}
