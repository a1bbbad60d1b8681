// Correct solutions nobody on the reference wrote, and readings of the spec it allows, keep full
// marks: the graders accept every behaviour the spec allows (test/fixtures/independent/).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { findAssignment } from '../../assignments/registry.ts'
import { runGrader } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { REPO_ROOT } from '../../runtime/build/compileModule.ts'

const test = suite('independent solutions')

// One seed each here (more with `npm run grade <id> -- --solution test/fixtures/independent/<dir> --seed N`).
const SOLUTIONS: Array<{ dir: string; assignment: string; points: number; seeds: number[] }> = [
  { dir: 'viewservice', assignment: 'viewservice', points: 10, seeds: [1] },
  { dir: 'viewservice-views-at-ticks', assignment: 'viewservice', points: 10, seeds: [2] },
  { dir: 'pbservice', assignment: 'pbservice', points: 10, seeds: [1] },
  { dir: 'pbservice-counted-ticks', assignment: 'pbservice', points: 10, seeds: [2] },
  { dir: 'leader-kv', assignment: 'leader-kv', points: 10, seeds: [1] },
  { dir: 'dynamo', assignment: 'dynamo', points: 10, seeds: [1] },
  { dir: 'dynamo-members-error', assignment: 'dynamo', points: 10, seeds: [2] },
  { dir: 'dynamo-join-once', assignment: 'dynamo', points: 10, seeds: [4] },
]

for (const solution of SOLUTIONS) {
  test(`${solution.dir} scores ${solution.points}/${solution.points} (seeds ${solution.seeds.join(', ')})`, async () => {
    const assignment = findAssignment(solution.assignment)
    const loaded = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, join(REPO_ROOT, 'test', 'fixtures', 'independent', solution.dir))
    for (const seed of solution.seeds) {
      const report = await runGrader(await assignment.grader(), { assignment: solution.assignment, solution: loaded, seed, scale: 'reduced' })
      const lost = report.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.reason}`)
      assert.is(report.points, solution.points, `seed ${seed}:\n${lost.join('\n')}`)
    }
  })
}

test.run()
