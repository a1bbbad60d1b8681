// Cluster options: one all-optional interface (but `nodes`), one defaults constant, and checks at
// the door that name the option and the fix (piscina's constructor style).
import { DistlabError } from '../errors.ts'
import type { HostLimits, TraceLevel } from '../host/protocol.ts'
import { validateBandwidth, type BandwidthConfig } from '../network/Bandwidth.ts'
import type { LinkConfig } from '../network/LinkConfig.ts'
import { validatePoolConfig, type PoolConfig } from '../pool/VirtualPool.ts'
import type { TraceRecord } from '../trace/records.ts'
import type { Message } from '../node/types.ts'
import type { RpcMap } from '../real/rpcMap.ts'

export interface NodeSpec {
  /** The node's name in traces and APIs: `s1`, `node03`. */
  name: string
  /** Path of the module whose default export is `defineNode(...)` (TypeScript or JavaScript). */
  module: string
  /** Where it is reached (default: its name). */
  address?: string
  /** A role for people: `server`, `client`. */
  role?: string
  /** Assignment-specific configuration, handed to the machine as `input.config`. */
  config?: unknown
  /** Addresses the node is told about (default: every other node's). */
  peers?: string[]
  /** Start at t=0 (default); false leaves it down until `start(name)` (its data directory exists meanwhile). */
  start?: boolean
  /**
   * The node's own directory (input.dataDir), instead of one under the run's dataRoot: a program run
   * from a shell works in the directory it was started in (`npm run disk-client`). Never removed.
   */
  dataDir?: string
  /** This node's uplink and downlink, overriding the cluster's `bandwidth`. */
  bandwidth?: BandwidthConfig | number
}

export interface TraceOptions {
  /** Write the trace to this file (`.jsonl`, or `.jsonl.gz` for gzip). */
  file?: string
  /** Detail of the file: 'full' (default) adds state transitions and timers. */
  level?: Exclude<TraceLevel, 'off'>
  /** Keep records in memory (`cluster.records`), at level 'net' for `true`. */
  memory?: boolean | Exclude<TraceLevel, 'off'>
  /** Called with every record as it happens. */
  listener?: (record: TraceRecord) => void
  listenerLevel?: Exclude<TraceLevel, 'off'>
  /** What the run is, for the trace's header. */
  title?: string
}

export interface ClusterOptions {
  nodes: NodeSpec[]
  /** Everything random in the run follows it (default 1). */
  seed?: number
  /** Default behaviour of every link. */
  network?: LinkConfig
  /**
   * Every node's uplink and downlink in bytes per virtual second (one number for both), on top of
   * latency: messages queue, so transfer time grows with bytes sent. Default: unlimited.
   */
  bandwidth?: BandwidthConfig | number
  /**
   * Virtual ms after which a node that sent with `{ unreachable: true }` to an address where no
   * live node is hears `net.unreachable` (default 1000: a connect to a silent LAN address).
   */
  unreachableAfter?: number
  /** The virtual cost model of the shared pool that runs `hash` effects. */
  pool?: PoolConfig
  trace?: TraceOptions
  /** Finds the secrets in a message (tokens, passwords) so that no trace record shows them. */
  secrets?: (msg: Message) => string[]
  /** Virtual ms after which every wait fails with TIME_LIMIT (default: none). */
  maxTime?: number
  /** Wall ms one batch of events may take in a node before it is declared hung (default 5000). */
  stepTimeoutMs?: number
  /** 'worker' (default): a thread per node. 'inline': all in this thread (baselines, tests). */
  host?: 'worker' | 'inline'
  /**
   * Inline only: nodes of one module share one instance of it (and of the xstate bundled in it)
   * instead of one per incarnation. Fastest single-thread baseline, for the benchmark; module-level
   * state is then shared between nodes.
   */
  shareModules?: boolean
  /**
   * Hand nodes every event of a lookahead window at once (default). false handles one virtual
   * instant at a time: slower, and by construction exactly the same run; for checking that claim.
   */
  batching?: boolean
  /**
   * Benchmarks only: `cluster.stats.timing` adds up, in wall ms, where the main thread's time went
   * (handing batches over, waiting for the nodes' replies, applying their effects). Read from the
   * wall clock but never consulted by the run, so the run is the same with or without it.
   */
  timing?: boolean
  /** Where node data directories live (default: a fresh temporary directory, removed at stop). */
  dataRoot?: string
  /**
   * Crashes tear unsynced writes, as a machine that loses power does: when a node is crashed
   * within `withinMs` virtual ms (default 1000) of its last positioned `fs.writeSync` to a file it
   * opened with `fs.openSync`, and has not `fs.fsyncSync`ed that file since, only a seeded prefix
   * of whole 4 KiB pages of that write stays; the rest of its range gets its old bytes back. Off by
   * default; a `disk.torn` record tells what was torn.
   */
  tornWrites?: boolean | { withinMs?: number }
  /** What each node may use; going over a limit fails the node with a sentence naming it. */
  limits?: Partial<NodeLimits>
  /**
   * What a node that throws (or goes over a limit) does to the run. 'end-run' (default): the run
   * fails with NODE_FAILED, right when every node matters to the verdict. 'crash-node': that node
   * alone crashes (traced as node.error, then node.crash) and the others go on; it can be
   * started again, as a container that exited can (the torrent grader's choice).
   */
  nodeErrors?: NodeErrorPolicy
  /**
   * 'sim' (default): a simulated network in virtual time, the same trace for the same seed.
   * 'real': the same nodes, one worker each, in wall-clock time, every message carried by a real
   * loopback socket (docs/real-mode.md); faults still go through the runtime, on the way.
   */
  mode?: RunMode
  /** Real mode: 'tcp' (default) carries object messages in frames; 'udp' carries datagrams; 'xmlrpc' makes calls; 'http' carries HTTP messages. */
  transport?: 'udp' | 'tcp' | 'xmlrpc' | 'http'
  /** Real mode over 'xmlrpc': which message is which method (assignments/<id>/wire.ts). */
  rpc?: RpcMap
  /** Real mode: 'ephemeral' (default) free ports; 'as-given' binds `127.x.y.z:port` addresses exactly. */
  ports?: 'ephemeral' | 'as-given'
}

export type NodeErrorPolicy = 'end-run' | 'crash-node'
export type RunMode = 'sim' | 'real'

/** Per-node resource limits (besides the wall time of one batch, `stepTimeoutMs`). */
export interface NodeLimits extends HostLimits {
  /** The worker's JS heap, in MiB. */
  heapMb: number
}

export const NODE_LIMITS: NodeLimits = { heapMb: 512, buffersMb: 1024, effectsPerEvent: 100_000, timers: 10_000, openFiles: 256 }

/**
 * Every default of a run, in one place (the network's link defaults are `DEFAULT_LINK` in
 * network/LinkConfig.ts, the pool's `POOL_DEFAULTS` in pool/VirtualPool.ts). validateClusterOptions
 * fills in the options it names; the rest are read with `??` where they are used, so that an
 * option passed as `undefined` gets its default too.
 */
export const CLUSTER_DEFAULTS = {
  seed: 1,
  stepTimeoutMs: 5000,
  host: 'worker',
  nodeErrors: 'end-run',
  /** No virtual-time limit. */
  maxTime: Infinity,
  batching: true,
  /** A connect to a silent LAN address. */
  unreachableAfter: 1000,
  /**
   * Virtual ms before a crash in which a write can be torn, for `tornWrites: true`. Linux leaves
   * dirty pages in the page cache for up to 30 s (dirty_expire_centisecs); a second is modest.
   */
  tearWithinMs: 1000,
  /** Detail of a trace file, and of `trace: { memory: true }` and a listener. */
  traceFileLevel: 'full',
  traceMemoryLevel: 'net',
  traceListenerLevel: 'net',
  nodeRole: 'node',
  clientRole: 'client',
  /** Virtual ms a client call waits for its reply. */
  callTimeout: 1000,
  mode: 'sim',
  transport: 'tcp',
  ports: 'ephemeral',
} as const

type Validated = ClusterOptions & Required<Pick<ClusterOptions, 'seed' | 'stepTimeoutMs' | 'host' | 'nodeErrors'>>

export function validateClusterOptions(options: ClusterOptions): Validated {
  if (typeof options !== 'object' || options === null) bad('options must be an object with at least `nodes`')
  const { seed, stepTimeoutMs, host, nodeErrors } = CLUSTER_DEFAULTS
  const valid: Validated = { seed, stepTimeoutMs, host, nodeErrors, ...options }
  if (!Number.isInteger(valid.seed) || valid.seed < 0) bad(`options.seed must be a non-negative integer (got ${JSON.stringify(valid.seed)})`)
  if (!(typeof valid.stepTimeoutMs === 'number' && valid.stepTimeoutMs > 0)) bad('options.stepTimeoutMs must be a positive number of ms')
  if (valid.maxTime !== undefined && !(typeof valid.maxTime === 'number' && valid.maxTime >= 0)) bad('options.maxTime must be a non-negative number of virtual ms')
  if (valid.unreachableAfter !== undefined && !(typeof valid.unreachableAfter === 'number' && Number.isFinite(valid.unreachableAfter) && valid.unreachableAfter >= 0)) bad('options.unreachableAfter must be a non-negative number of virtual ms')
  if (valid.secrets !== undefined && typeof valid.secrets !== 'function') bad('options.secrets must be a function (msg) => string[] naming the secrets in a message (for HTTP: httpSecrets)')
  check(() => validateBandwidth(valid.bandwidth, 'options.bandwidth'))
  check(() => validatePoolConfig(valid.pool, 'options.pool'))
  if (valid.nodeErrors !== 'end-run' && valid.nodeErrors !== 'crash-node') bad(`options.nodeErrors must be 'end-run' or 'crash-node' (got ${JSON.stringify(valid.nodeErrors)})`)
  if (valid.host !== 'worker' && valid.host !== 'inline') bad(`options.host must be 'worker' or 'inline' (got ${JSON.stringify(valid.host)})`)
  const torn = valid.tornWrites
  if (torn !== undefined && typeof torn !== 'boolean' && !(typeof torn === 'object' && torn !== null && (torn.withinMs === undefined || (typeof torn.withinMs === 'number' && torn.withinMs >= 0))))
    bad('options.tornWrites must be true, false or { withinMs: a non-negative number of virtual ms }')
  if (valid.limits !== undefined) {
    if (typeof valid.limits !== 'object' || valid.limits === null) bad('options.limits must be an object like { heapMb: 512 }')
    for (const [key, value] of Object.entries(valid.limits)) {
      if (!(key in NODE_LIMITS)) bad(`options.limits.${key} is not a limit; limits: ${Object.keys(NODE_LIMITS).join(', ')}`)
      if (!(Number.isInteger(value) && value > 0)) bad(`options.limits.${key} must be a positive integer (got ${JSON.stringify(value)})`)
    }
  }
  if (valid.mode !== undefined && valid.mode !== 'sim' && valid.mode !== 'real') bad(`options.mode must be 'sim' or 'real' (got ${JSON.stringify(valid.mode)})`)
  if (valid.transport !== undefined && valid.transport !== 'udp' && valid.transport !== 'tcp' && valid.transport !== 'xmlrpc' && valid.transport !== 'http') bad(`options.transport must be 'udp', 'tcp', 'xmlrpc' or 'http' (got ${JSON.stringify(valid.transport)})`)
  if (valid.transport === 'xmlrpc' && !valid.rpc) bad("options.transport 'xmlrpc' needs options.rpc: the assignment's map of messages to methods")
  if (valid.ports !== undefined && valid.ports !== 'ephemeral' && valid.ports !== 'as-given') bad(`options.ports must be 'ephemeral' or 'as-given' (got ${JSON.stringify(valid.ports)})`)
  if ((valid.transport !== undefined || valid.ports !== undefined || valid.rpc !== undefined) && valid.mode !== 'real') bad("options.transport, options.ports and options.rpc apply to mode 'real' only")
  if (valid.shareModules && valid.host !== 'inline') bad("options.shareModules applies to host 'inline' only")
  if (!Array.isArray(valid.nodes)) bad('options.nodes must be an array of { name, module }')
  const names = new Set<string>()
  const addresses = new Set<string>()
  valid.nodes.forEach((node, i) => {
    const where = `options.nodes[${i}]`
    if (typeof node?.name !== 'string' || !/^[\w.:-]+$/.test(node.name)) bad(`${where}.name must be a name of letters, digits, '.', ':', '_' or '-'`)
    if (typeof node.module !== 'string' || node.module === '') bad(`${where}.module must be the path of a node module`)
    if (names.has(node.name)) bad(`${where}: two nodes are named '${node.name}'`)
    names.add(node.name)
    const address = node.address ?? node.name
    if (typeof address !== 'string' || address === '') bad(`${where}.address must be a non-empty string`)
    if (addresses.has(address)) bad(`${where}: address ${address} is used twice`)
    addresses.add(address)
    if (node.peers !== undefined && !(Array.isArray(node.peers) && node.peers.every((p) => typeof p === 'string'))) bad(`${where}.peers must be an array of addresses`)
    check(() => validateBandwidth(node.bandwidth, `${where}.bandwidth`))
  })
  return valid
}

/** Runs a validator that throws TypeError, as a BAD_INPUT error. */
function check(validate: () => unknown): void {
  try {
    validate()
  } catch (err) {
    bad(err instanceof Error ? err.message : String(err))
  }
}

function bad(message: string): never {
  throw new DistlabError('BAD_INPUT', message)
}
