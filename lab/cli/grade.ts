// `npm run grade <id>` scores a solution with the assignment's grader, like the course will.
import { findAssignment } from '../../assignments/registry.ts'
import { runGrader, selectTests } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { kleur } from '../format.ts'
import { formatResult, formatTotal, type ReplayInfo } from '../grade/printReport.ts'
import { toGradescope, toJson, toJunit, writeOutput } from '../grade/writeResults.ts'
import { DistlabError } from '../../runtime/index.ts'
import type { Scale } from '../../graders/harness/TestContext.ts'
import { parseFlags, parseSeed, runCli } from './cli.ts'

const USAGE = `usage: npm run grade <assignment> [-- --solution DIR|ZIP --seed N --test NAME --scale full|reduced --trace FILE --json FILE]
  --solution DIR|ZIP  the solution to grade (default: the reference)
  --seed N            base seed (default 1); each test derives its own from it and its name
  --test NAME         run only this test (repeat for several)
  --scale SCALE       full (default): the course's sizes; reduced: the same tests on small files (torrent)
  --trace FILE        write each test's trace (the test's name is added when several run)
  --json FILE         write the results as JSON; --junit FILE as JUnit XML; --gradescope FILE as Gradescope results.json
  exit code 0 only when every test passed`

await runCli(USAGE, async (argv) => {
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
    },
    USAGE,
  )
  if (positionals.length !== 1) throw new TypeError(`name one assignment to grade\n${USAGE}`)
  const assignment = findAssignment(positionals[0])
  const seed = parseSeed(values.seed)
  const scale = parseScale(values.scale)
  const grader = await assignment.grader()
  const tests = selectTests(grader, values.test)
  const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, values.solution)
  const info: ReplayInfo = { assignment: assignment.id, solution: values.solution, seed, scale }
  const width = Math.max(...tests.map((t) => t.name.length))
  const live = process.stdout.isTTY === true
  let position = ''
  console.log(kleur.bold(`distlab grade ${assignment.id}`) + kleur.gray(` · solution ${solution.label} · seed ${seed} · ${tests.length} tests${scale === 'full' ? '' : ` · ${scale} scale`}`))
  const report = await runGrader(grader, {
    assignment: assignment.id,
    solution,
    seed,
    scale,
    only: values.test,
    traceFile: values.trace,
    onTestStart: (test, index, total) => {
      position = `  … [${index + 1}/${total}] ${test.name}`
      if (live) process.stdout.write(kleur.gray(position))
    },
    onTestProgress: (_test, text) => {
      if (live) process.stdout.write(`\r\u001b[2K${kleur.gray(`${position}: ${text}`)}`)
    },
    onTestEnd: (result) => {
      if (live) process.stdout.write('\r\u001b[2K')
      for (const line of formatResult(result, info, width)) console.log(line)
    },
  })
  console.log(formatTotal(report))
  if (values.json) writeOutput(values.json, toJson(report, info))
  if (values.junit) writeOutput(values.junit, toJunit(report))
  if (values.gradescope) writeOutput(values.gradescope, toGradescope(report, info))
  for (const [flag, path] of [['json', values.json], ['junit', values.junit], ['gradescope', values.gradescope]] as const) {
    if (path) console.log(kleur.gray(`${flag} results: ${path}`))
  }
  return report.points === report.maxPoints ? 0 : 1
})

function parseScale(value: string | undefined): Scale {
  if (value === undefined || value === 'full' || value === 'reduced') return value ?? 'full'
  throw new DistlabError('BAD_INPUT', `--scale must be full or reduced (got '${value}')`)
}
