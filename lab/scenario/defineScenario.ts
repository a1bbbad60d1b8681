// A scenario is a scripted story that shows an assignment's system working and failing
// gracefully. It lives in assignments/<id>/scenario.ts and runs with `npm run lab <id>`.
import type { Cluster, ClusterOptions, Rng } from '../../runtime/index.ts'
import type { SolutionNodeSpec } from '../../graders/harness/TestContext.ts'

export type ScenarioNodeSpec = SolutionNodeSpec

export interface ScenarioContext {
  readonly seed: number
  /** 'real' when the story runs on loopback sockets (`--mode real`): a story with a service outside its cluster starts it. */
  readonly mode: 'sim' | 'real'
  readonly rng: Rng
  /** Starts the story's cluster: traced to the run's file and narrated as it goes. */
  cluster(options: Omit<ClusterOptions, 'nodes' | 'seed' | 'trace'> & { nodes: ScenarioNodeSpec[] }): Promise<Cluster>
  /**
   * A chapter heading, after everything already scheduled for this instant has happened. Plain
   * text, no colors: it is stored in the trace (a `note` record), which must be the same bytes
   * whether or not the output is a terminal.
   */
  chapter(title: string): Promise<void>
  /**
   * A narration line (what is about to happen, and why it matters), in order like `chapter`.
   * Plain text too (it is stored in the trace): the narrator colors it when it prints, and a line
   * starting with `✓ ` or `✗ ` gets a green mark or turns red.
   */
  say(text: string): Promise<void>
  /**
   * Status lines (progress bars) redrawn in place below the story on a terminal; `keep` prints
   * them into the story for good (the only frames a log without a terminal gets). Only printed,
   * never stored in the trace: these may be colored (kleur).
   */
  board(lines: string[], options?: { keep?: boolean }): void
}

export interface Scenario {
  title: string
  /** One paragraph: what the story shows. */
  description: string
  run(lab: ScenarioContext): Promise<void>
}

export function defineScenario(scenario: Scenario): Scenario {
  return scenario
}
