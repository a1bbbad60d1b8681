// What a grader test gets: its seed and random source, the solution under test, clusters built
// from that solution (stopped after the test whatever happens), and checks that read as sentences.
import { isDeepStrictEqual } from 'node:util'
import { Cluster, Rng, wireOptions, type ClusterOptions, type NodeSpec, type NodeLimits, type Wire } from '../../runtime/index.ts'
import { CheckFailed } from './CheckFailed.ts'
import type { Solution } from './solution.ts'

/** A node running a module of the solution (by `role`), or a module of the driver's choosing. */
export type SolutionNodeSpec = Omit<NodeSpec, 'module'> &
  (
    | {
        /** Which module of the solution runs on this node (`server`, `client`). */
        role: string
        module?: undefined
      }
    | {
        /** A module of the driver's own choosing (another assignment's reference, say). */
        module: string
        role?: string
      }
  )

export type TestNodeSpec = SolutionNodeSpec

/** The runtime's node specs for `nodes`, taking role modules from `solution`. */
export function solutionNodes(solution: Solution, nodes: SolutionNodeSpec[]): NodeSpec[] {
  return nodes.map((node) => ({ ...node, module: node.module ?? solution.module(node.role) }))
}

export interface TestClusterOptions extends Omit<ClusterOptions, 'nodes' | 'seed' | 'trace' | 'maxTime'> {
  nodes: TestNodeSpec[]
  /** Keep message records in memory (`cluster.records`) for checks on what crossed the wire. */
  records?: boolean
}

/**
 * How big a grader's runs are: 'full' is the course's own sizes (`npm run grade`); 'reduced' keeps
 * every test's shape at a fraction of the cost, for `npm test`. Graders whose runs are cheap ignore it.
 */
export type Scale = 'full' | 'reduced'

export interface TestContext {
  readonly seed: number
  readonly scale: Scale
  readonly rng: Rng
  readonly solution: Solution
  cluster(options: TestClusterOptions): Promise<Cluster>
  /** Fails the test with `sentence` unless `ok`. */
  check(ok: boolean, sentence: string, detail?: string): void
  /** Fails the test with `sentence` unless `actual` deep-equals `expected`; shows both. */
  equal<T>(actual: T, expected: T, sentence: string): void
  fail(sentence: string, detail?: string): never
  /** Where a long test is (`run 3 of 5: 30 nodes`), for the live line of `npm run grade`. */
  progress(text: string): void
}

export interface TestContextOptions {
  seed: number
  scale?: Scale
  solution: Solution
  timeLimit: number
  /** Write each cluster's trace here (a second cluster of the test gets `-2` in the name). */
  traceFile?: string
  /** The trace's title: assignment, test and base seed. */
  title?: string
  /** Per-node resource limits of every cluster the test starts. */
  limits?: Partial<NodeLimits>
  /** 'real': the clusters run on loopback sockets in wall-clock time. */
  mode?: 'sim' | 'real'
  wire?: Wire
  onProgress?(text: string): void
}

export class GraderTestContext implements TestContext {
  readonly rng: Rng
  readonly clusters: Cluster[] = []
  private disposed = false

  constructor(private readonly options: TestContextOptions) {
    this.rng = new Rng(options.seed).fork('test')
  }

  get seed(): number {
    return this.options.seed
  }

  get scale(): Scale {
    return this.options.scale ?? 'full'
  }

  get solution(): Solution {
    return this.options.solution
  }

  async cluster(options: TestClusterOptions): Promise<Cluster> {
    if (this.disposed) throw new Error('the test is over')
    const { records, nodes, ...rest } = options
    const n = this.clusters.length
    const file = this.options.traceFile && clusterTraceFile(this.options.traceFile, n + 1)
    const real = this.options.mode === 'real' ? wireOptions(this.options.wire) : {}
    const cluster = await Cluster.start({
      ...rest,
      ...real,
      seed: n === 0 ? this.seed : this.seed + n,
      maxTime: this.options.timeLimit,
      limits: { ...rest.limits, ...this.options.limits },
      nodes: solutionNodes(this.solution, nodes),
      trace: { memory: records ? 'net' : false, file: file || undefined, title: this.options.title },
    })
    this.clusters.push(cluster)
    if (this.disposed) await cluster.stop()
    return cluster
  }

  check(ok: boolean, sentence: string, detail?: string): void {
    this.clusters.at(-1)?.check(ok, sentence)
    if (!ok) throw new CheckFailed(sentence, detail)
  }

  equal<T>(actual: T, expected: T, sentence: string): void {
    const ok = isDeepStrictEqual(actual, expected)
    this.check(ok, sentence, ok ? undefined : `expected: ${show(expected)}\n     got: ${show(actual)}`)
  }

  fail(sentence: string, detail?: string): never {
    this.clusters.at(-1)?.check(false, sentence)
    throw new CheckFailed(sentence, detail)
  }

  progress(text: string): void {
    this.options.onProgress?.(text)
  }

  /** Stops every cluster of the test: workers terminated, traces closed. */
  async dispose(): Promise<void> {
    this.disposed = true
    await Promise.all(this.clusters.map((c) => c.stop()))
  }
}

/** Where the trace of a test's `n`th cluster goes: the test's file for the first, `-n` before the extension after. */
export function clusterTraceFile(file: string, n: number): string {
  return n <= 1 ? file : file.replace(/(\.jsonl(\.gz)?)?$/, `-${n}$1`)
}

function show(value: unknown): string {
  const text = JSON.stringify(value, null, 0) ?? String(value)
  return text.length > 600 ? `${text.slice(0, 600)}…` : text
}
