// `npm run mutate <id>`: the grader's mutation score. Every statechart-level mutant of the
// reference (graders/mutation) is graded at reduced scale; the score and each survivor, with a
// command to replay it, are printed. What an instructor runs after changing a grader.
import { writeFileSync } from 'node:fs'
import { ASSIGNMENTS, findAssignment, isReady, type Assignment } from '../../assignments/registry.ts'
import { runMutation, type MutantOutcome, type MutationReport } from '../../graders/mutation/runMutation.ts'
import { DistlabError, displayPath } from '../../runtime/index.ts'
import { kleur } from '../format.ts'
import { parseConcurrency, parseFlags, parseSeed, parseSeedRange, runCli } from './cli.ts'
import { usage } from './help.ts'

const USAGE = usage('mutate')

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(
    argv,
    { seed: { type: 'string' }, seeds: { type: 'string' }, only: { type: 'string', multiple: true }, concurrency: { type: 'string' }, json: { type: 'string' }, 'min-score': { type: 'string' } },
    USAGE,
  )
  if (positionals.length !== 1) throw new DistlabError('BAD_INPUT', `name one assignment, or all\n${USAGE}`)
  const assignments: Assignment[] = positionals[0] === 'all' ? ASSIGNMENTS.filter(isReady) : [findAssignment(positionals[0])]
  const concurrency = parseConcurrency(values.concurrency)
  const seeds = values.seeds !== undefined ? parseSeedRange(values.seeds) : [parseSeed(values.seed)]
  const minScore = parseMinScore(values['min-score'])
  const reports: MutationReport[] = []
  for (const assignment of assignments) reports.push(await mutateOne(assignment, { seeds, concurrency, only: values.only }))
  if (values.json) {
    const asJson = reports.map((report) => ({
      ...report,
      outcomes: report.outcomes.map((o) => ({ mutant: o.plan.slug, description: o.plan.description, killed: o.killed, by: o.by, slowdown: o.slowdown, equivalent: o.equivalent, covered: o.covered })),
    }))
    writeFileSync(values.json, `${JSON.stringify(asJson.length === 1 ? asJson[0] : asJson, null, 2)}\n`)
    console.log(kleur.gray(`json: ${values.json}`))
  }
  const below = minScore === null ? [] : reports.filter((r) => r.score < minScore)
  for (const r of below) console.log(kleur.red(`${r.assignment}: mutation score ${percent(r.score)} is under --min-score ${percent(minScore as number)}`))
  return below.length ? 1 : 0
}, { errorExitCode: 2 })

async function mutateOne(assignment: Assignment, options: { seeds: number[]; concurrency: number; only?: string[] }): Promise<MutationReport> {
  const live = process.stdout.isTTY === true
  console.log(kleur.bold(`distlab mutate ${assignment.id}`) + kleur.gray(' · statechart mutants of the reference, graded at reduced scale'))
  const report = await runMutation(assignment, {
    ...options,
    onDone: (outcome, done, total) => {
      const line = `  [${done}/${total}] ${outcome.killed ? 'killed' : 'SURVIVED'} ${outcome.plan.description}`
      if (live) process.stdout.write(`\r\u001b[2K${kleur.gray(line)}`)
      // Not a terminal (CI, a log file): a line per survivor and one per ten mutants.
      else if (!outcome.killed || done % 10 === 0 || done === total) console.log(kleur.gray(line))
    },
  })
  if (live) process.stdout.write('\r\u001b[2K')
  const survivors = report.outcomes.filter((o) => !o.killed && !o.equivalent)
  const equivalents = report.outcomes.filter((o) => o.equivalent)
  for (const o of survivors) printSurvivor(assignment.id, o)
  for (const o of equivalents) console.log(kleur.gray(`  = ${o.plan.description}${pace(o)} (${o.covered ? 'covered' : 'equivalent'}: ${o.equivalent})`))
  const counted = report.outcomes.length - report.equivalent
  const text = `mutation score ${percent(report.score)}: ${report.killed} of ${counted} mutants killed (${report.outcomes.length} derived, ${report.equivalent} equivalent)`
  console.log(report.score >= 0.95 ? kleur.green().bold(text) : kleur.yellow().bold(text))
  if (report.covered) {
    console.log(kleur.gray(`  ${report.covered} of the equivalents break a path another path of the reference covers, which the course's verdict cannot see; counting them as live, the score is ${percent(report.strictScore)}`))
  }
  return report
}

/** `--min-score 95` (percent): the run fails if an assignment scores less. */
function parseMinScore(value: string | undefined): number | null {
  if (value === undefined) return null
  const n = Number(value.replace(/%$/, ''))
  if (!(Number.isFinite(n) && n >= 0 && n <= 100)) throw new DistlabError('BAD_INPUT', `--min-score must be a percentage from 0 to 100 (got '${value}')`)
  return n / 100
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`
}

/** A survivor passed every test: how its virtual time compares with the reference's. */
function pace(outcome: MutantOutcome): string {
  return outcome.slowdown === undefined ? '' : `, ${outcome.slowdown.toFixed(2)}× the reference's virtual time`
}

function printSurvivor(id: string, outcome: MutantOutcome): void {
  console.log(`  ${kleur.yellow('✗ survived')} ${outcome.plan.description}${pace(outcome)}`)
  console.log(kleur.gray(`      npm run grade ${id} -- --solution ${displayPath(outcome.dir)} --scale reduced`))
}
