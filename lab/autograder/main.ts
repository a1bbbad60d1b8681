// What run_autograder runs on Gradescope: grade $AUTOGRADER_ROOT/submission with the grader the
// zip was built for (autograder.json beside this checkout's package.json) and write
// $AUTOGRADER_ROOT/results/results.json in Gradescope's format, whatever happens: a crash of the
// grading itself or the kit's time limit still leaves a results file that says so.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { findAssignment } from '../../assignments/registry.ts'
import { gradeSubmission } from '../grade/gradeSubmission.ts'
import { toGradescope } from '../grade/writeResults.ts'
import { REPO_ROOT, messageOf } from '../../runtime/index.ts'
import { solutionRoot } from '../../graders/harness/solution.ts'
import { KIT_CONFIG_FILE, readKitConfig } from './kitConfig.ts'

const root = process.env.AUTOGRADER_ROOT ?? '/autograder'
const resultsFile = join(root, 'results', 'results.json')
const started = performance.now()
const seconds = (): number => Math.round((performance.now() - started) / 100) / 10

function writeResults(json: string): void {
  mkdirSync(join(root, 'results'), { recursive: true })
  writeFileSync(resultsFile, json)
}

/** A results file of zero points that says why, for when there are no verdicts to report. */
function failed(why: string, stdoutVisibility = 'hidden'): string {
  return `${JSON.stringify({ score: 0, execution_time: seconds(), output: why, output_format: 'text', visibility: 'visible', stdout_visibility: stdoutVisibility, tests: [] }, null, 2)}\n`
}

try {
  const config = readKitConfig(join(REPO_ROOT, KIT_CONFIG_FILE))
  const stop = setTimeout(() => {
    writeResults(failed(`Grading took more than ${config.timeLimit} s and was stopped. A solution that never answers, or loops, can cause this; run the grader on your machine (npx distlab grade ${config.assignment} --solution <your solution folder>) to see which test hangs.`, config.stdoutVisibility))
    process.exit(0)
  }, config.timeLimit * 1000)
  stop.unref()
  const assignment = findAssignment(config.assignment)
  const grader = await assignment.grader()
  console.log(`grading ${join(root, 'submission')} with the ${assignment.id} grader, seed ${config.seed}, ${config.jobs} sandbox(es)`)
  const report = await gradeSubmission({
    assignment,
    grader,
    tests: grader.tests,
    // The role files at the submission's root or in a folder of it (an uploaded folder).
    source: solutionRoot(join(root, 'submission'), Object.keys(assignment.roles)),
    seed: config.seed,
    scale: config.scale,
    jobs: config.jobs,
    onTestEnd: (r) => console.log(`${r.passed ? 'passed' : 'FAILED'} ${r.name} ${r.points}/${r.maxPoints}`),
  })
  const notes = report.typeCheck?.errors.length ? [`Type errors (grading went on; fix these first): ${report.typeCheck.errors.length}`] : []
  writeResults(
    toGradescope(report, { assignment: assignment.id, seed: config.seed, scale: config.scale }, {
      visibility: config.visibility,
      testVisibility: config.testVisibility,
      stdoutVisibility: config.stdoutVisibility,
      executionTime: seconds(),
      replaySolution: '<your solution folder>',
      notes,
    }),
  )
  console.log(`${report.points}/${report.maxPoints} points; results: ${resultsFile}`)
} catch (err) {
  console.error(`the autograder failed: ${messageOf(err)}`)
  writeResults(failed(`The autograder could not grade this submission: ${messageOf(err)}. This is not a verdict on your code; please tell your instructor.`))
}
process.exit(0)
