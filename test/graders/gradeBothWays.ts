// A grader is tested both ways: the reference scores full marks on many seeds, and each
// known-bad variant fails at least the tests its bug breaks (so never scores full marks).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { eachLimited } from '../../graders/harness/eachLimited.ts'
import { mutantDir } from '../../graders/harness/mutants.ts'
import { runGrader } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import type { Scale } from '../../graders/harness/TestContext.ts'

/** Hand-written known-bad variants each assignment keeps, each a whole solution a student could write. */
const MIN_VARIANTS = 8

export interface BothWaysOptions {
  /**
   * Seeds the reference must pass on (default 1..5: npm test's share; `npm run test:full` grades
   * every reference on seeds 1..20 at full scale with `npm run seeds`).
   */
  seeds?: number[]
  /** Seeds each mutant is run with (default [1, 2]). */
  mutantSeeds?: number[]
  maxPoints: number
  /** Grader runs at a time (default 3): sparse simulations wait on thread hand-offs, so runs overlap well. */
  concurrency?: number
  /** The size of the grader's runs (default 'full'). */
  scale?: Scale
  /**
   * Run each mutant through only the tests it must lose (default). The reference still runs all;
   * whether a mutant fails tests beyond its losses is `npm run mutate`'s question, not this one's.
   */
  mutantsRunOnlyLosses?: boolean
}

export function gradeBothWays(id: string, options: BothWaysOptions): void {
  const test = suite(`${id} grader`)
  const assignment = findAssignment(id)
  const shape = { roles: assignment.roles, referenceDir: assignment.referenceDir }
  const seeds = options.seeds ?? Array.from({ length: 5 }, (_, i) => i + 1)

  test(`the reference solution scores ${options.maxPoints}/${options.maxPoints} on ${seeds.length} seeds`, async () => {
    const grader = await assignment.grader()
    const solution = await loadSolution(shape)
    await eachLimited(seeds, options.concurrency ?? 3, async (seed) => {
      const report = await runGrader(grader, { assignment: id, solution, seed, scale: options.scale })
      const failed = report.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.reason}`)
      assert.is(report.points, options.maxPoints, `seed ${seed}: ${failed.join('\n')}`)
      assert.is(report.maxPoints, options.maxPoints)
    })
  })

  test('every mutant loses the points its bug deserves', async () => {
    const grader = await assignment.grader()
    const mutants = await assignment.mutants()
    assert.ok(mutants.length >= MIN_VARIANTS, `at least ${MIN_VARIANTS} known-bad variants (issue 9), found ${mutants.length}`)
    const runs = mutants.flatMap((mutant) => (options.mutantSeeds ?? [1, 2]).map((seed) => ({ mutant, seed })))
    await eachLimited(runs, options.concurrency ?? 3, async ({ mutant, seed }) => {
      const solution = await loadSolution(shape, mutantDir(assignment.dir, mutant))
      const only = (options.mutantsRunOnlyLosses ?? true) ? mutant.loses : undefined
      const report = await runGrader(grader, { assignment: id, solution, seed, scale: options.scale, only })
      const failed = new Set(report.tests.filter((t) => !t.passed).map((t) => t.name))
      for (const name of mutant.loses) assert.ok(failed.has(name), `${mutant.name} (${mutant.bug}) should fail ${name} on seed ${seed}; failed: ${[...failed].join(', ') || 'nothing'}`)
      assert.ok(report.points < report.maxPoints)
      for (const result of report.tests.filter((t) => !t.passed)) assert.ok(result.reason && result.reason.length > 10, `${mutant.name}/${result.name} gives a reason`)
    })
  })

  test('the points add up and every test is named and titled', async () => {
    const grader = await assignment.grader()
    assert.is(grader.tests.reduce((sum, t) => sum + t.points, 0), options.maxPoints)
    for (const t of grader.tests) assert.ok(t.title.length > 20, t.name)
  })

  test.run()
}
