// `npm run seeds <id|all>`: the reference graded on many seeds. A grader must never reject correct
// work, whatever a seed draws (sizes, keys, which node crashes when); this is how an instructor
// checks that after changing a grader or a reference. `npm run test:full` runs it on 20 seeds.
import { writeFileSync } from 'node:fs'
import { ASSIGNMENTS, findAssignment, isReady, type Assignment } from '../../assignments/registry.ts'
import { eachLimited } from '../../graders/harness/eachLimited.ts'
import { runGrader, type GradeReport } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import type { Scale } from '../../graders/harness/TestContext.ts'
import { DistlabError } from '../../runtime/index.ts'
import { kleur } from '../format.ts'
import { parseConcurrency, parseFlags, parseScale, parseSeedRange, runCli } from './cli.ts'
import { usage } from './help.ts'

const USAGE = usage('seeds')

interface SeedOutcome {
  assignment: string
  seed: number
  points: number
  maxPoints: number
  failed: Array<{ test: string; reason: string }>
}

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(argv, { seeds: { type: 'string' }, scale: { type: 'string' }, concurrency: { type: 'string' }, json: { type: 'string' } }, USAGE)
  if (positionals.length !== 1) throw new DistlabError('BAD_INPUT', `name one assignment, or all\n${USAGE}`)
  const assignments: Assignment[] = positionals[0] === 'all' ? ASSIGNMENTS.filter(isReady) : [findAssignment(positionals[0])]
  const seeds = parseSeedRange(values.seeds ?? '1-20')
  const scale = parseScale(values.scale)
  const concurrency = parseConcurrency(values.concurrency)
  const outcomes: SeedOutcome[] = []
  for (const assignment of assignments) {
    console.log(kleur.bold(`distlab seeds ${assignment.id}`) + kleur.gray(` · the reference on seeds ${seeds[0]}–${seeds.at(-1)} · ${scale} scale`))
    const found = await gradeSeeds(assignment, seeds, scale, concurrency)
    outcomes.push(...found)
    const perfect = found.filter((o) => o.failed.length === 0).length
    const line = `  ${perfect} of ${found.length} seeds with full marks`
    console.log(perfect === found.length ? kleur.green(line) : kleur.red(line))
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(outcomes, null, 2)}\n`)
  return outcomes.every((o) => o.failed.length === 0) ? 0 : 1
}, { errorExitCode: 2 })

async function gradeSeeds(assignment: Assignment, seeds: number[], scale: Scale, concurrency: number): Promise<SeedOutcome[]> {
  const grader = await assignment.grader()
  const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir })
  const outcomes: SeedOutcome[] = []
  await eachLimited(seeds, concurrency, async (seed) => {
    const report: GradeReport = await runGrader(grader, { assignment: assignment.id, solution, seed, scale })
    const failed = report.tests.filter((t) => !t.passed).map((t) => ({ test: t.name, reason: t.reason ?? '' }))
    outcomes.push({ assignment: assignment.id, seed, points: report.points, maxPoints: report.maxPoints, failed })
    const mark = failed.length === 0 ? kleur.green('✓') : kleur.red('✗')
    console.log(`  ${mark} seed ${String(seed).padEnd(3)} ${report.points}/${report.maxPoints}${failed.length === 0 ? '' : kleur.gray(`  lost ${failed.map((f) => f.test).join(', ')}`)}`)
    for (const f of failed) {
      console.log(kleur.gray(`      ${f.test}: ${f.reason.split('\n')[0]}`))
      console.log(kleur.gray(`      npm run grade ${assignment.id} -- --seed ${seed} --test ${f.test}${scale === 'full' ? '' : ` --scale ${scale}`}`))
    }
  })
  return outcomes.sort((a, b) => a.seed - b.seed)
}
