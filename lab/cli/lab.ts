// `npm run lab` lists the assignments; `npm run lab <id>` runs its scenario, narrated.
import { ASSIGNMENTS, findAssignment, isReady } from '../../assignments/registry.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { preflightSolution, solutionOf, type Solution } from '../../graders/harness/solution.ts'
import { openSolution } from '../grade/openSolution.ts'
import type { Scenario } from '../scenario/defineScenario.ts'
import { kleur, outputWidth, wrapText } from '../format.ts'
import { traceHtmlCommand } from '../grade/printReport.ts'
import type { Wire } from '../../runtime/index.ts'
import { runScenario } from '../scenario/runScenario.ts'
import { parseFlags, parseSeed, runCli } from './cli.ts'
import { usage } from './help.ts'

const USAGE = usage('lab')

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(argv, { seed: { type: 'string' }, trace: { type: 'string' }, solution: { type: 'string' }, verbose: { type: 'boolean' }, mode: { type: 'string' } }, USAGE)
  if (positionals.length === 0) {
    listAssignments()
    return 0
  }
  if (positionals.length > 1) throw new TypeError(`one assignment at a time (got ${positionals.join(', ')})\n${USAGE}`)
  const assignment = findAssignment(positionals[0])
  const mode = values.mode ?? 'sim'
  if (mode !== 'sim' && mode !== 'real') throw new TypeError(`--mode must be sim or real (got ${mode})\n${USAGE}`)
  const seed = parseSeed(values.seed)
  const traceFile = values.trace ?? `traces/${assignment.id}-seed${seed}.jsonl`
  // A zipped solution is unpacked for the run and removed after it.
  const unpacked = mkdtempSync(join(tmpdir(), 'distlab-lab-'))
  try {
    const found = openSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, values.solution, join(unpacked, 'solution'))
    const [scenario] = await Promise.all([assignment.scenario(), preflightSolution(found.files)])
    return await runStory(scenario, solutionOf(found), { seed, traceFile, verbose: values.verbose === true, id: assignment.id, mode, wire: assignment.wire })
  } finally {
    rmSync(unpacked, { recursive: true, force: true })
  }
})

interface StoryOptions {
  seed: number
  traceFile: string
  verbose: boolean
  id: string
  mode: 'sim' | 'real'
  wire?: Wire
}

async function runStory(scenario: Scenario, solution: Solution, options: StoryOptions): Promise<number> {
  const { seed, traceFile, verbose, id, mode } = options
  console.log(kleur.bold(scenario.title))
  console.log(kleur.gray(`${scenario.description}\nsolution ${solution.label} · ${mode === 'real' ? 'real mode: loopback sockets, wall-clock time (not reproducible)' : `seed ${seed}`}`))
  // Ctrl-C stops the story: clusters stopped, sockets closed, the summary still printed.
  const interrupted = new AbortController()
  const onSigint = (): void => {
    console.log(kleur.yellow('\ninterrupted: stopping every node and closing its sockets'))
    interrupted.abort()
  }
  process.once('SIGINT', onSigint)
  const summary = await runScenario(scenario, {
    solution,
    seed,
    traceFile,
    verbose,
    live: process.stdout.isTTY === true,
    title: `${id} scenario`,
    write: (line) => console.log(line),
    mode,
    wire: options.wire,
    signal: interrupted.signal,
  }).finally(() => process.off('SIGINT', onSigint))
  console.log('')
  if (interrupted.signal.aborted) console.log(kleur.yellow('■ interrupted (Ctrl-C): every node stopped'))
  else if (summary.error) console.log(kleur.red(`✗ the story stopped: ${summary.error.message}`))
  else console.log(kleur.green('✓ done'))
  console.log(
    `${(summary.virtualMs / 1000).toFixed(3)} s of ${mode === 'real' ? 'wall-clock' : 'virtual'} time in ${(summary.wallMs / 1000).toFixed(1)} s: ` +
      `${summary.events} events, ${summary.sent} messages sent, ${summary.delivered} delivered, ${summary.dropped} lost`,
  )
  console.log(`trace: ${summary.traceFile}`)
  const page = traceHtmlCommand(summary.traceFile)
  for (const [command, what] of [[`npx distlab trace ${summary.traceFile}`, 'per-node timeline'], [`npx distlab trace ${summary.traceFile} --kind state,console`, 'states and console only'], [page, 'the run as a page: messages, states, checks']]) {
    for (const line of wrapText(kleur.gray(`${command}   ${what}`), outputWidth(), '  ', '      ')) console.log(line)
  }
  // 130: the shell's code for a command ended by Ctrl-C.
  return interrupted.signal.aborted ? 130 : summary.error ? 1 : 0
}

function listAssignments(): void {
  console.log(kleur.bold('distlab assignments'))
  for (const a of ASSIGNMENTS) {
    const status = isReady(a) ? kleur.green('ready  ') : kleur.gray('planned')
    for (const line of wrapText(`${a.title} ${kleur.gray(`(${a.source})`)}`, outputWidth(), `  ${status}  ${a.id.padEnd(13)} `, ' '.repeat(25))) console.log(line)
  }
  console.log(kleur.gray('\nrun one: npx distlab lab leader-kv    grade one: npx distlab grade leader-kv'))
}
