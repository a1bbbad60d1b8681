// `npm run lab` lists the assignments; `npm run lab <id>` runs its scenario, narrated.
import { ASSIGNMENTS, findAssignment, isReady } from '../../assignments/registry.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { preflightSolution, solutionOf, type Solution } from '../../graders/harness/solution.ts'
import { openSolution } from '../grade/openSolution.ts'
import type { Scenario } from '../scenario/defineScenario.ts'
import { kleur } from '../format.ts'
import { runScenario } from '../scenario/runScenario.ts'
import { parseFlags, parseSeed, runCli } from './cli.ts'

const USAGE = `usage: npm run lab [<assignment>] [-- --seed N --trace FILE --solution DIR --verbose]
  <assignment>      run its scenario (no assignment: list them)
  --seed N          the run's seed (default 1): the same seed gives the same run
  --trace FILE      where to write the trace (default traces/<assignment>-seed<N>.jsonl; .gz compresses)
  --solution DIR    run your solution instead of the reference (a directory or .zip)
  --verbose         also show every message, drop and state change`

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(argv, { seed: { type: 'string' }, trace: { type: 'string' }, solution: { type: 'string' }, verbose: { type: 'boolean' } }, USAGE)
  if (positionals.length === 0) {
    listAssignments()
    return 0
  }
  if (positionals.length > 1) throw new TypeError(`one assignment at a time (got ${positionals.join(', ')})\n${USAGE}`)
  const assignment = findAssignment(positionals[0])
  const seed = parseSeed(values.seed)
  const traceFile = values.trace ?? `traces/${assignment.id}-seed${seed}.jsonl`
  // A zipped solution is unpacked for the run and removed after it.
  const unpacked = mkdtempSync(join(tmpdir(), 'distlab-lab-'))
  try {
    const found = openSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, values.solution, join(unpacked, 'solution'))
    const [scenario] = await Promise.all([assignment.scenario(), preflightSolution(found.files)])
    return await runStory(scenario, solutionOf(found), seed, traceFile, values.verbose === true, assignment.id)
  } finally {
    rmSync(unpacked, { recursive: true, force: true })
  }
})

async function runStory(scenario: Scenario, solution: Solution, seed: number, traceFile: string, verbose: boolean, id: string): Promise<number> {
  console.log(kleur.bold(scenario.title))
  console.log(kleur.gray(`${scenario.description}\nsolution ${solution.label} · seed ${seed}`))
  const summary = await runScenario(scenario, { solution, seed, traceFile, verbose, live: process.stdout.isTTY === true, title: `${id} scenario`, write: (line) => console.log(line) })
  console.log('')
  if (summary.error) console.log(kleur.red(`✗ the story stopped: ${summary.error.message}`))
  else console.log(kleur.green('✓ done'))
  console.log(
    `${(summary.virtualMs / 1000).toFixed(3)} s of virtual time in ${(summary.wallMs / 1000).toFixed(1)} s: ` +
      `${summary.events} events, ${summary.sent} messages sent, ${summary.delivered} delivered, ${summary.dropped} lost`,
  )
  console.log(`trace: ${summary.traceFile}`)
  console.log(kleur.gray(`  npm run trace ${summary.traceFile}            per-node timeline`))
  console.log(kleur.gray(`  npm run trace ${summary.traceFile} -- --kind state,console   states and console only`))
  return summary.error ? 1 : 0
}

function listAssignments(): void {
  console.log(kleur.bold('distlab assignments'))
  for (const a of ASSIGNMENTS) {
    const status = isReady(a) ? kleur.green('ready  ') : kleur.gray('planned')
    console.log(`  ${status}  ${a.id.padEnd(13)} ${a.title} ${kleur.gray(`(${a.source})`)}`)
  }
  console.log(kleur.gray('\nrun one: npm run lab leader-kv    grade one: npm run grade leader-kv'))
}
