// A grader is data: named tests with points (DSLabs style), each an async function over fresh
// clusters. The harness (runGrader) gives each its own seed and bounds it in virtual and wall time.
import type { TestContext } from './TestContext.ts'

export interface GraderTest {
  /** A stable id for `--test`: `put-ok-after-all-acks`. */
  name: string
  /** What is checked, as a sentence a student reads in the score table. */
  title: string
  points: number
  /** Virtual ms the test's clusters may run (default 60 s). */
  timeLimit?: number
  /** Wall ms the test may take before it fails (default 30 s); per scale when runs differ in size. */
  wallLimit?: number | { full: number; reduced: number }
  run(t: TestContext): Promise<void>
}

export interface Grader {
  assignment: string
  tests: GraderTest[]
  /**
   * Node modules the tests start besides the solution's (another assignment's reference, say).
   * The grading sandbox compiles nothing itself: what is not listed here cannot be started there.
   */
  modules?: string[]
}

export function defineGrader(grader: Grader): Grader {
  const names = new Set<string>()
  for (const test of grader.tests) {
    if (!/^[a-z0-9-]+$/.test(test.name)) throw new TypeError(`grader ${grader.assignment}: test name '${test.name}' must be kebab-case`)
    if (names.has(test.name)) throw new TypeError(`grader ${grader.assignment}: two tests are named '${test.name}'`)
    if (!(test.points > 0)) throw new TypeError(`grader ${grader.assignment}: test '${test.name}' must be worth some points`)
    names.add(test.name)
  }
  return grader
}

export function maxPoints(grader: Grader): number {
  return grader.tests.reduce((sum, test) => sum + test.points, 0)
}
