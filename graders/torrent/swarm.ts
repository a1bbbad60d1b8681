// Runs one planned swarm: prepares every node's directory, starts the nodes (or restarts them as
// the plan says), waits until every node's data.bin is right or the run's time is up, kills every
// node and compares each data.bin with the reference, byte for byte.
import { COMPLETE_LINE, CONFIG_ERROR_PREFIX, DATA_ERROR_PREFIX } from '../../assignments/torrent/messages.ts'
import { isDistlabError, type Cluster, type Rng } from '../../runtime/index.ts'
import type { TestContext } from '../harness/TestContext.ts'
import { Content, partDigests } from '../../assignments/torrent/setting/content.ts'
import { dataFileIdentity, mismatch, writeConf, writeData, type RunContent } from '../../assignments/torrent/setting/files.ts'
import { SWARM_BANDWIDTH, SWARM_NETWORK, SWARM_TEAR_WITHIN } from '../../assignments/torrent/setting/network.ts'
import type { NodePlan, RestartPlan, RunPlan } from '../../assignments/torrent/setting/plan.ts'

export interface SwarmOutcome {
  /** Virtual ms until every node was verified complete, or the limit. */
  took: number
  complete: number
}

export async function runSwarm(t: TestContext, run: RunPlan, which: string): Promise<SwarmOutcome> {
  const cluster = await t.cluster({
    nodes: run.nodes.map((n) => ({ name: n.name, address: n.address, role: 'node', start: false, peers: [] })),
    network: SWARM_NETWORK,
    tornWrites: run.restarts ? { withinMs: SWARM_TEAR_WITHIN } : false,
    // As in the seed's grader, a node that fails dies alone (it may be started again).
    nodeErrors: 'crash-node',
    bandwidth: run.bandwidth ?? SWARM_BANDWIDTH,
  })
  const reference = new Content(t.seed, which, 'reference')
  const content: RunContent = { reference, garbage: (node) => new Content(t.seed, which, 'garbage', node), parts: partDigests(reference, run.size, run.partSize) }
  // A decoy's file is its own: its torrent.conf, its data.bin and its verdict.
  const contentOf = (node: NodePlan): RunContent => {
    if (!node.decoy) return content
    const decoy = new Content(t.seed, which, 'decoy', node.name)
    return { ...content, reference: decoy, parts: partDigests(decoy, run.size, run.partSize) }
  }
  const expected = new Map(run.nodes.map((node) => [node.name, contentOf(node)]))
  for (const node of run.nodes) {
    const dir = cluster.dataDir(node.name)
    const own = expected.get(node.name) as RunContent
    writeConf(dir, node, run, own.parts)
    writeData(dir, node, run, own)
  }
  const given = new Map(run.nodes.map((node) => [node.name, dataFileIdentity(cluster.dataDir(node.name))]))
  const referenceOf = (name: string): Content => (expected.get(name) as RunContent).reference
  const watch = new CompletionWatch(cluster, run, referenceOf)
  const done = (): boolean => watch.allVerified()
  const finished = run.restarts ? await restartDriver(cluster, run, t.rng.fork(which, 'restarts'), done) : await startAll(cluster, done, run.limit)
  const took = cluster.now
  // The verdict's kill: the files as the nodes left them (a killed process loses no written bytes).
  for (const node of run.nodes) cluster.crash(node.name, { tear: false })
  await cluster.tornWritesOnDisk()
  const wrong = run.nodes.flatMap((node) => {
    const before = given.get(node.name)
    const replaced = before != null && dataFileIdentity(cluster.dataDir(node.name)) !== before
    const why = replaced
      ? 'data.bin was replaced by another file (renamed over it, or deleted and created again), not written in place: the course bind-mounts data.bin, so it would never see what the node wrote'
      : mismatch(cluster.dataDir(node.name), run, referenceOf(node.name)) ?? watch.early.get(node.name) ?? null
    const torn = cluster.node(node.name).tornWrites
    return why ? [`${node.name} (${node.address}${node.decoy ? ', the decoy, whose file is its own' : ''}): ${why}${torn ? `; crashes tore ${torn} of its writes (disk.torn in the trace)` : ''}`] : []
  })
  const complaints = run.nodes.flatMap((node) => [
    ...cluster.node(node.name).errors.slice(0, 1).map((error) => `${error}${cluster.node(node.name).errors.length > 1 ? ` (and ${cluster.node(node.name).errors.length - 1} more times)` : ''}`),
    ...cluster.node(node.name).console.filter((line) => line.startsWith(CONFIG_ERROR_PREFIX) || line.startsWith(DATA_ERROR_PREFIX)).map((line) => `${node.name} printed "${line}"`),
  ])
  const ending = finished ? `all nodes complete after ${seconds(took)}` : `after the ${seconds(run.limit)} limit, ${watch.verifiedCount} of ${run.nodes.length} nodes had printed "complete" with a right file`
  t.check(wrong.length === 0, `${run.label}: every data.bin matches the reference, byte for byte`, [`${ending}; ${wrong.length} of ${run.nodes.length} files wrong:`, ...wrong.slice(0, 5), ...(wrong.length > 5 ? [`… and ${wrong.length - 5} more`] : []), ...complaints.slice(0, 3)].join('\n'))
  return { took, complete: watch.verifiedCount }
}

/** Nodes all start at t=0 and run until the end. */
async function startAll(cluster: Cluster, done: () => boolean, limit: number): Promise<boolean> {
  for (const name of cluster.nodeNames) cluster.start(name)
  return waitFor(cluster, done, limit)
}

/** Restarts nodes as `plan` says until `done()` or `limit`; true when done. */
async function restartDriver(cluster: Cluster, run: RunPlan, rng: Rng, done: () => boolean): Promise<boolean> {
  const plan = run.restarts as RestartPlan
  const limit = run.limit
  const names = cluster.nodeNames
  if (plan.kind === 'dies') {
    for (const name of names) cluster.start(name)
    if (await waitFor(cluster, done, plan.after)) return true
    // The busiest sender dies with its queue: what it owed its peers never comes, and nothing says so.
    const among = plan.among.map((i) => names[i] as string)
    const busiest = (): string | null => among.filter((n) => cluster.uplinkQueued(n) > 0).sort((a, b) => cluster.uplinkQueued(b) - cluster.uplinkQueued(a))[0] ?? null
    while (busiest() === null) {
      if (await waitFor(cluster, done, 10)) return true
      if (cluster.now >= limit) return false
    }
    const dying = busiest() as string
    cluster.crash(dying)
    if (plan.returns === undefined) return waitFor(cluster, done, limit - cluster.now)
    if (await waitFor(cluster, done, plan.returns)) return true
    cluster.start(dying)
    return waitFor(cluster, done, limit - cluster.now)
  }
  const period = plan.kind === 'random' ? plan.single : plan.period
  const epochs = new EpochDraw(run, rng)
  if (plan.kind === 'epochs') for (const name of epochs.next()) cluster.start(name)
  for (let next = period; ; next += period) {
    if (await waitFor(cluster, done, Math.min(next, limit) - cluster.now)) return true
    if (cluster.now >= limit) return false
    if (plan.kind === 'epochs') {
      for (const name of names) cluster.crash(name)
      for (const name of epochs.next()) cluster.start(name)
    } else if (next % plan.all === 0) {
      for (const name of names) cluster.start(name)
    } else {
      cluster.start(rng.pick(names))
    }
  }
}

/**
 * The nodes that run in each epoch: a random half, plus, for a node that has not yet run beside
 * any node its torrent.conf names, the first of those. The seed guarantees that what nodes are
 * told is enough for all to learn of all "after some exchange"; a node whose only known peer is
 * never up when it is could exchange nothing (only probing the /24 would save it, which the seed
 * asks for only when a node is told no peers).
 */
class EpochDraw {
  private readonly knows = new Map<string, string[]>()
  private readonly met = new Set<string>()

  constructor(
    private readonly run: RunPlan,
    private readonly rng: Rng,
  ) {
    const nameOf = new Map(run.nodes.map((node) => [node.address, node.name]))
    for (const node of run.nodes) {
      const known = (node.peers ?? []).map((a) => nameOf.get(a)).filter((n): n is string => n !== undefined && n !== node.name)
      if (known.length) this.knows.set(node.name, known)
      else this.met.add(node.name)
    }
  }

  next(): string[] {
    const names = this.run.nodes.map((node) => node.name)
    const half = new Set(this.rng.shuffle(names).slice(0, Math.ceil(names.length / 2)))
    for (const name of [...half]) {
      const known = this.knows.get(name) ?? []
      if (!this.met.has(name) && !known.some((k) => half.has(k))) half.add(known[0] as string)
    }
    for (const name of half) if ((this.knows.get(name) ?? []).some((k) => half.has(k))) this.met.add(name)
    return [...half]
  }
}

/** Runs the cluster until `condition()` or for `ms` more virtual ms; true if the condition held. */
async function waitFor(cluster: Cluster, condition: () => boolean, ms: number): Promise<boolean> {
  if (ms <= 0) return condition()
  try {
    await cluster.until(condition, { timeout: ms, what: 'every node complete' })
    return true
  } catch (err) {
    if (isDistlabError(err, 'TIME_LIMIT') && !cluster.failure) return false
    throw err
  }
}

/**
 * Which nodes are done: a node that prints "complete" gets its data.bin checked at once, and
 * counts only if the file is right. (The final verdict checks every file again after the kill.)
 */
class CompletionWatch {
  private readonly read = new Map<string, number>()
  /** Nodes whose file was right when they said complete, with their torn-write count then. */
  private readonly verified = new Map<string, number>()
  /** Nodes that printed "complete" while their file was wrong (the first time), and what was wrong. */
  readonly early = new Map<string, string>()
  /** Each node's torn-write count at the last look: a tear since then may explain a wrong file. */
  private readonly tornSeen = new Map<string, number>()

  constructor(
    private readonly cluster: Cluster,
    private readonly run: RunPlan,
    private readonly referenceOf: (name: string) => Content,
  ) {}

  get verifiedCount(): number {
    return this.verified.size
  }

  allVerified(): boolean {
    for (const node of this.run.nodes) {
      // A crash that tore a write of a complete node makes it incomplete again.
      const torn = this.cluster.node(node.name).tornWrites
      const tornSince = torn !== (this.tornSeen.get(node.name) ?? 0)
      this.tornSeen.set(node.name, torn)
      if (this.verified.has(node.name) && this.verified.get(node.name) !== torn) this.verified.delete(node.name)
      const lines = this.cluster.node(node.name).console
      const from = this.read.get(node.name) ?? 0
      if (lines.length === from) continue
      this.read.set(node.name, lines.length)
      if (!lines.slice(from).includes(COMPLETE_LINE)) continue
      const wrong = mismatch(this.cluster.dataDir(node.name), this.run, this.referenceOf(node.name))
      if (wrong === null) this.verified.set(node.name, torn)
      else {
        this.verified.delete(node.name)
        // "complete" means data.bin is exactly right: printed before, it is a false claim, even if
        // the file is right by the end. The file is read right after the step that printed it,
        // unless a crash came between (then a tear, not the node, may have made it wrong).
        if (!tornSince && !this.early.has(node.name)) {
          this.early.set(node.name, `printed "${COMPLETE_LINE}" at ${seconds(this.cluster.now)} while its data.bin was not right (${wrong})`)
        }
      }
    }
    return this.verified.size === this.run.nodes.length
  }
}

function seconds(ms: number): string {
  return `${+(ms / 1000).toFixed(2)} s`
}
