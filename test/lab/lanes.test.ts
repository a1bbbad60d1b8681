// `grade --jobs N`: the tests dealt into lanes of about equal weight, graded at once, reported in
// the grader's order with the same verdicts whatever N.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { selectTests, type TestResult } from '../../graders/harness/runGrader.ts'
import { gradeSubmission } from '../../lab/grade/gradeSubmission.ts'
import { inOrder, planLanes } from '../../lab/grade/lanes.ts'

const test = suite('grading lanes')

test('the heaviest tests are spread first; each lane keeps the grader order; the plan is always the same', () => {
  const weights: Record<string, number> = { a: 30, b: 120, c: 30, d: 90, e: 30 }
  const lanes = planLanes(Object.keys(weights), 2, (name) => weights[name] as number)
  assert.equal(lanes, [['b', 'c'], ['a', 'd', 'e']])
  assert.equal(planLanes(['a', 'b'], 8, () => 1), [['a'], ['b']], 'no empty lanes')
  assert.equal(planLanes(['a', 'b', 'c'], 1, () => 1), [['a', 'b', 'c']])
  assert.equal(planLanes([], 2, () => 1), [[]])
})

test('results are passed on in the given order, each as soon as all before it arrived', () => {
  const seen: string[] = []
  const deliver = inOrder(['a', 'b', 'c', 'd'], (r: string) => r, (r) => seen.push(r))
  deliver('c')
  assert.equal(seen, [])
  deliver('a')
  assert.equal(seen, ['a'])
  deliver('d')
  deliver('b')
  assert.equal(seen, ['a', 'b', 'c', 'd'])
})

test('a mutant graded with one sandbox and with two: the same verdicts, seeds and order', async () => {
  const assignment = findAssignment('leader-kv')
  const grader = await assignment.grader()
  const tests = selectTests(grader, ['put-at-leader', 'put-ok-after-all-acks', 'get-missing'])
  const grade = async (jobs: number): Promise<{ printed: string[]; results: TestResult[] }> => {
    const printed: string[] = []
    const report = await gradeSubmission({ assignment, grader, tests, source: 'assignments/leader-kv/mutants/early-put-ok', seed: 3, scale: 'full', jobs, onTestEnd: (r) => printed.push(r.name) })
    return { printed, results: report.tests }
  }
  const one = await grade(1)
  const two = await grade(2)
  const verdicts = (rs: TestResult[]) => rs.map((r) => [r.name, r.passed, r.points, r.seed, r.reason])
  assert.equal(verdicts(two.results), verdicts(one.results))
  assert.equal(two.printed, ['put-at-leader', 'put-ok-after-all-acks', 'get-missing'])
  assert.equal(one.printed, two.printed)
  assert.ok(one.results.some((r) => !r.passed), 'the mutant loses a test')
})

test.run()
