#!/usr/bin/env node
// `distlab <command> ...` (`npx distlab` in the checkout; every `npm run <command>` comes here too).
// Plain JavaScript on purpose: it answers --help, catches flags npm kept for itself and says what
// it is loading within milliseconds, before the TypeScript of the command is compiled (tsx,
// registered in this process: no second process to start).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** command → [its script in lab/cli, what it does]. */
const COMMANDS = {
  lab: ['lab.ts', "run an assignment's scenario, narrated (no assignment: list them)"],
  grade: ['grade.ts', "score a solution with the assignment's grader and the course's points"],
  trace: ['trace.ts', 'show a trace: a timeline, a page (--html), Perfetto or ShiViz files'],
  node: ['node.ts', 'run one node in real mode, in the foreground'],
  new: ['new.ts', 'write a skeleton solution to start from'],
  autograder: ['autograder.ts', "build an assignment's Gradescope autograder zip"],
  seeds: ['seeds.ts', 'grade the reference on a range of seeds'],
  mutate: ['mutate.ts', 'grade known-bad variants: does the grader catch them?'],
  'disk-emulator': ['diskEmulator.ts', 'a local Yandex.Disk API for the disk-client'],
  'disk-client': ['diskClient.ts', 'the disk-client, run in this directory'],
}
/** Commands whose own output is the product (a console client): no loading line before it. */
const QUIET = new Set(['disk-client'])

const [command, ...args] = process.argv.slice(2)
const gray = (text) => (process.stderr.isTTY && !process.env.NO_COLOR ? `\u001b[90m${text}\u001b[39m` : text)

if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(overview())
  process.exit(0)
}
if (!Object.hasOwn(COMMANDS, command)) {
  const near = await nearest(command, Object.keys(COMMANDS))
  console.error(`distlab: unknown command '${command}'${near ? ` (did you mean '${near}'?)` : ''}\n${overview()}`)
  process.exit(2)
}
const helpFile = join(root, 'lab', 'cli', 'help', `${command}.txt`)
const help = existsSync(helpFile) ? readFileSync(helpFile, 'utf8').trimEnd() : undefined
if (help !== undefined && (args.includes('--help') || args.includes('-h'))) {
  console.log(help)
  process.exit(0)
}
const kept = help === undefined ? [] : flagsNpmKept(help)
if (kept.length > 0) {
  // Which plain word was whose value is lost; the usage shows each flag with its placeholder.
  const flags = kept.map((f) => new RegExp(`--${f}( [A-Z][A-Z|]*)?`).exec(help)?.[0] ?? `--${f}`).join(' ')
  const first = args[0] !== undefined && !args[0].startsWith('-') ? `${args[0]} ` : ''
  console.error(
    `distlab: npm took ${kept.map((f) => `--${f}`).join(', ')} for itself, so the values arrived as plain words (${args.join(' ')}).\n` +
      `  with npm run, put -- before the lab's flags:  npm run ${command} ${first}-- ${flags}\n` +
      `  or use npx, which needs no --:                npx distlab ${command} ${first}${flags}`,
  )
  process.exit(2)
}
if (!QUIET.has(command)) loading(`distlab ${command}: compiling the lab's TypeScript (tsx)…`)
const { register } = await import('tsx/esm/api')
register()
const script = join(root, 'lab', 'cli', COMMANDS[command][0])
process.argv = [process.argv[0], script, ...args]
await import(pathToFileURL(script).href)

function overview() {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length))
  const lines = Object.entries(COMMANDS).map(([name, [, what]]) => `  ${name.padEnd(width)}  ${what}`)
  return [
    'usage: distlab <command> [arguments]        (distlab <command> --help for each)',
    ...lines,
    'exit codes: 0 done, 1 what was checked failed (tests, a scenario), 2 bad input or a solution that cannot be used',
    'in the checkout, npm run <command> -- ARGS does the same (npm needs the -- before flags); docs/cli.md',
  ].join('\n')
}

/**
 * Flags of this command that npm took as its own config: `npm run grade x --seed 3` (no `--`)
 * hands the script `x 3` and sets npm_config_seed. Only under `npm run`, only flags we know.
 */
function flagsNpmKept(helpText) {
  if (!process.env.npm_lifecycle_event) return []
  const flags = new Set([...helpText.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]))
  return [...flags].filter((flag) => process.env[`npm_config_${flag.replace(/-/g, '_')}`] !== undefined)
}

/**
 * Says what is being loaded while tsx compiles. On a terminal the line is erased by the command's
 * first output; elsewhere it stays, on stderr, out of the way of what is piped.
 */
function loading(text) {
  if (!process.stderr.isTTY) {
    process.stderr.write(`${text}\n`)
    return
  }
  process.stderr.write(gray(text))
  const streams = [process.stdout, process.stderr]
  const originals = streams.map((s) => s.write)
  const clear = () => {
    streams.forEach((s, i) => (s.write = originals[i]))
    process.stderr.write('\r\u001b[2K')
  }
  for (const s of streams) {
    s.write = function (...written) {
      clear()
      return s.write(...written)
    }
  }
  process.once('exit', () => {
    if (streams.some((s, i) => s.write !== originals[i])) clear()
  })
}

async function nearest(typed, names) {
  const { register } = await import('tsx/esm/api')
  register()
  const { suggest } = await import(pathToFileURL(join(root, 'lab', 'suggest.ts')).href)
  return suggest(typed, names)
}
