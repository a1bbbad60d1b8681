// `npm run grade <id>` scores a solution with the assignment's grader, like the course will. This
// process is the trusted parent: the solution runs in a sandbox (lab/grade/gradeSubmission.ts),
// and only this process prints the score, writes result files and picks the exit code:
// 0 every test passed, 1 tests failed, 2 bad input or a solution that cannot be used.
import { availableParallelism } from 'node:os'
import { findAssignment } from '../../assignments/registry.ts'
import { selectTests } from '../../graders/harness/runGrader.ts'
import { kleur, outputWidth, wrapText } from '../format.ts'
import { gradeSubmission } from '../grade/gradeSubmission.ts'
import { checkOutput, checkOutputDirectory, writeOutput } from '../grade/outputs.ts'
import { formatFailures, formatResult, formatTotal, type ReplayInfo } from '../grade/printReport.ts'
import { networkNamespace } from '../grade/SandboxProcess.ts'
import { toGradescope, toJson, toJunit } from '../grade/writeResults.ts'
import { formatTypeCheck } from '../grade/typecheck.ts'
import { DistlabError } from '../../runtime/index.ts'
import { parseFlags, parseScale, parseSeed, runCli } from './cli.ts'
import { usage } from './help.ts'

const USAGE = usage('grade')

const OUTPUTS = ['json', 'junit', 'gradescope'] as const

await runCli(
  USAGE,
  async (argv) => {
    const { values, positionals } = parseFlags(
      argv,
      {
        solution: { type: 'string' },
        seed: { type: 'string' },
        test: { type: 'string', multiple: true },
        scale: { type: 'string' },
        trace: { type: 'string' },
        json: { type: 'string' },
        junit: { type: 'string' },
        gradescope: { type: 'string' },
        trusted: { type: 'boolean' },
        jobs: { type: 'string' },
      },
      USAGE,
    )
    if (positionals.length !== 1) throw new DistlabError('BAD_INPUT', `name one assignment to grade\n${USAGE}`)
    const assignment = findAssignment(positionals[0])
    const seed = parseSeed(values.seed)
    const scale = parseScale(values.scale)
    const jobs = parseJobs(values.jobs)
    for (const flag of OUTPUTS) if (values[flag]) checkOutput(flag, values[flag])
    if (values.trace) checkOutputDirectory('trace', values.trace)
    const grader = await assignment.grader()
    const tests = selectTests(grader, values.test)
    const info: ReplayInfo = { assignment: assignment.id, solution: values.solution, seed, scale }
    const width = Math.max(...tests.map((t) => t.name.length))
    const live = process.stdout.isTTY === true
    let position = ''
    const lanes = Math.min(jobs, tests.length)
    const where = values.trusted ? 'in this process (--trusted: no sandbox)' : `${lanes > 1 ? `${lanes} sandboxes at once` : 'in a sandbox'}${sandboxNetworkNote()}`
    const header = `${kleur.bold(`distlab grade ${assignment.id}`)} ${kleur.gray(`· solution ${values.solution ?? 'the reference'} · seed ${seed} · ${tests.length} tests${scale === 'full' ? '' : ` · ${scale} scale`} · ${where}`)}`
    for (const line of wrapText(header, outputWidth(), '', '  ')) console.log(line)
    const report = await gradeSubmission({
      assignment,
      grader,
      tests,
      source: values.solution,
      seed,
      scale,
      traceFile: values.trace,
      trusted: values.trusted === true,
      jobs,
      onPhase: (text) => {
        if (live) showLive(`  … ${text}`)
      },
      onTypeCheck: (result) => {
        if (live) process.stdout.write('\r\u001b[2K')
        for (const line of formatTypeCheck(result, outputWidth())) console.log(line)
      },
      onTestStart: (test, index, total) => {
        position = `  … [${index + 1}/${total}] ${test.name}`
        if (live) showLive(position)
      },
      onTestProgress: (_test, text) => {
        if (live) showLive(`${position}: ${text}`)
      },
      onTestEnd: (result) => {
        if (live) process.stdout.write('\r\u001b[2K')
        for (const line of formatResult(result, info, width)) console.log(line)
      },
    })
    if (report.unusable) {
      console.log(kleur.red(`the solution cannot be graded:`))
      for (const line of report.unusable.split('\n')) for (const part of wrapText(kleur.red(line), outputWidth(), `  ${kleur.gray('│')} `)) console.log(part)
    }
    console.log(formatTotal(report))
    for (const line of formatFailures(report, info)) console.log(line)
    if (values.json) writeOutput(values.json, toJson(report, info))
    if (values.junit) writeOutput(values.junit, toJunit(report, info))
    if (values.gradescope) writeOutput(values.gradescope, toGradescope(report, info))
    for (const flag of OUTPUTS) if (values[flag]) console.log(kleur.gray(`${flag} results: ${values[flag]}`))
    if (report.unusable) return 2
    return report.points === report.maxPoints ? 0 : 1
  },
  { errorExitCode: 2 },
)

/** `--jobs N`: sandboxes grading at once; by default one per core. */
function parseJobs(value: string | undefined): number {
  if (value === undefined) return availableParallelism()
  const n = Number(value)
  if (!(Number.isInteger(n) && n >= 1 && n <= 64)) throw new DistlabError('BAD_INPUT', `--jobs must be a whole number from 1 to 64 (got '${value}')`)
  return n
}

/**
 * The one status line a terminal shows while a test runs, rewritten in place. It must fit on one
 * row (a wrapped line cannot be rewritten), so it alone is shortened; every other line wraps.
 */
function showLive(text: string): void {
  const room = outputWidth() - 1
  process.stdout.write(`\r\u001b[2K${kleur.gray(text.length > room ? `${text.slice(0, room - 1)}…` : text)}`)
}

/** What `grade` says about the sandbox's network, when it is not the usual private loopback. */
function sandboxNetworkNote(): string {
  const ns = networkNamespace()
  if (!ns) return ' (no network namespace here: sockets are refused inside node workers only)'
  return ns.loopback ? '' : " (its network has no loopback here: real-mode tests will fail; install iproute2's ip or python3)"
}
