#!/usr/bin/env node
// `npx distlab <command> ...`: the lab's commands from any directory, as `npm run <command>` runs
// them inside the checkout (TypeScript through tsx, resolved from this package).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const COMMANDS = { lab: 'lab.ts', grade: 'grade.ts', trace: 'trace.ts', mutate: 'mutate.ts' }
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const [command, ...args] = process.argv.slice(2)
const script = COMMANDS[command]
if (!script) {
  console.error(`usage: distlab <${Object.keys(COMMANDS).join('|')}> [arguments]   (distlab <command> --help for each)`)
  process.exit(command === undefined || command === '--help' || command === '-h' ? 0 : 2)
}
const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'lab', 'cli', script), ...args], { stdio: 'inherit' })
process.exit(run.status ?? 1)
