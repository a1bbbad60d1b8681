// Runs a scenario with a solution: narrates it live, writes its trace, stops every worker at the
// end whatever happened, and returns the numbers for the closing summary.
import { Cluster, Rng, wireOptions, type Wire } from '../../runtime/index.ts'
import type { Solution } from '../../graders/harness/solution.ts'
import { solutionNodes } from '../../graders/harness/TestContext.ts'
import type { Scenario, ScenarioContext } from './defineScenario.ts'
import { Narrator } from './Narrator.ts'

export interface RunScenarioOptions {
  solution: Solution
  seed: number
  traceFile: string
  verbose: boolean
  /** Output is a terminal: boards are drawn live. */
  live?: boolean
  title: string
  write(line: string): void
  /** 'real': the same story on loopback sockets in wall-clock time (default 'sim'). */
  mode?: 'sim' | 'real'
  /** Real mode: how the assignment's messages travel (UDP datagrams, TCP frames, XML-RPC calls). */
  wire?: Wire
  /** Stops the story early (Ctrl-C): every cluster is stopped and its sockets closed. */
  signal?: AbortSignal
}

export interface ScenarioSummary {
  virtualMs: number
  wallMs: number
  events: number
  sent: number
  delivered: number
  dropped: number
  traceFile: string
  error: Error | null
}

export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioSummary> {
  const narrator = new Narrator({ verbose: options.verbose, live: options.live, write: options.write })
  const clusters: Cluster[] = []
  const started = performance.now()
  const context: ScenarioContext = {
    seed: options.seed,
    mode: options.mode ?? 'sim',
    rng: new Rng(options.seed).fork('scenario'),
    async cluster({ nodes, ...rest }) {
      narrator.names([...nodes.map((n) => n.name), 'network'])
      const n = clusters.length
      const real = options.mode === 'real' ? wireOptions(options.wire) : {}
      const cluster = await Cluster.start({
        ...rest,
        ...real,
        seed: options.seed + n,
        nodes: solutionNodes(options.solution, nodes),
        trace: {
          file: n === 0 ? options.traceFile : options.traceFile.replace(/(\.jsonl(\.gz)?)?$/, `-${n + 1}$1`),
          level: 'full',
          listener: (record) => narrator.record(record),
          listenerLevel: options.verbose ? 'full' : 'net',
          title: options.title,
        },
      })
      clusters.push(cluster)
      if (options.signal?.aborted) await cluster.stop()
      if (cluster.mode === 'real') {
        const opened = cluster.sockets.map((s) => `${s.name} ${s.real}`).join(', ')
        options.write(`sockets (${options.wire?.transport ?? 'tcp'} on loopback): ${opened}`)
      }
      return cluster
    },
    chapter: (title) => narrate(title, true),
    say: (text) => narrate(text, false),
    board: (lines, boardOptions) => narrator.board(lines, boardOptions),
  }
  // Narration waits for what the story already set in motion at this instant, then joins the
  // trace (and so the live output) in order. Before any cluster exists it prints at once. The
  // text is stored as the scenario gave it, plain; the narrator colors it as it prints the note.
  async function narrate(text: string, heading: boolean): Promise<void> {
    const cluster = clusters.at(-1)
    if (!cluster) return heading ? narrator.chapter(text) : narrator.say(text)
    await cluster.finishInstant()
    cluster.note(text, { heading })
  }
  let error: Error | null = null
  const abort = (): void => void Promise.all(clusters.map((c) => c.stop()))
  options.signal?.addEventListener('abort', abort)
  try {
    await scenario.run(context)
  } catch (err) {
    error = err instanceof Error ? err : new Error(String(err))
  } finally {
    options.signal?.removeEventListener('abort', abort)
    await Promise.all(clusters.map((c) => c.stop()))
    const sockets = clusters.reduce((sum, c) => sum + c.sockets.length, 0)
    if (options.mode === 'real') options.write(`closed ${sockets} socket${sockets === 1 ? '' : 's'}`)
  }
  const total = (key: 'events' | 'sent' | 'delivered' | 'dropped'): number => clusters.reduce((sum, c) => sum + c.stats[key], 0)
  return {
    virtualMs: Math.max(0, ...clusters.map((c) => c.now)),
    wallMs: performance.now() - started,
    events: total('events'),
    sent: total('sent'),
    delivered: total('delivered'),
    dropped: total('dropped'),
    traceFile: options.traceFile,
    error,
  }
}
