// `distlab <command>` (bin/distlab.mjs), which every `npm run <command>` goes through: help without
// compiling anything, a clear word when npm kept the flags, exit code 2 for what cannot be done.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { plain, wrapCommand, wrapText } from '../../lab/format.ts'

const test = suite('distlab command')

function distlab(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  // npm's own variables are left out, so that a test run by `npm test` is not taken for `npm run`.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')))
  const result = spawnSync(process.execPath, ['bin/distlab.mjs', ...args], { encoding: 'utf8', env: { ...clean, NO_COLOR: '1', ...env }, timeout: 60_000 })
  return { code: result.status ?? -1, out: result.stdout, err: result.stderr }
}

test('with no command it lists every command and the exit codes', () => {
  const { code, out } = distlab([])
  assert.is(code, 0)
  for (const command of ['lab', 'grade', 'trace', 'node', 'new', 'autograder']) assert.match(out, new RegExp(`^  ${command} +\\S`, 'm'))
  assert.match(out, /exit codes: 0 done, 1 what was checked failed .*, 2 bad input/)
})

test('--help of a command is its help file, printed before any TypeScript is loaded', () => {
  const { code, out, err } = distlab(['grade', 'leader-kv', '--help'])
  assert.is(code, 0)
  assert.is(out.trimEnd(), readFileSync('lab/cli/help/grade.txt', 'utf8').trimEnd())
  assert.is(err, '', 'no loading line: nothing was compiled')
})

test('every command answers --help with its usage', () => {
  for (const command of ['lab', 'grade', 'trace', 'node', 'new', 'autograder', 'seeds', 'mutate', 'disk-emulator']) {
    const { code, out } = distlab([command, '--help'])
    assert.is(code, 0, command)
    assert.match(out, /usage:/, command)
  }
})

test('an unknown command is refused with exit 2 and the nearest one', () => {
  const { code, err } = distlab(['grad', 'leader-kv'])
  assert.is(code, 2)
  assert.match(err, /^distlab: unknown command 'grad' \(did you mean 'grade'\?\)/)
})

test('flags npm kept for itself (npm run grade x --seed 3, no --) are named, with the command to type', () => {
  // What npm 11 hands a script for `npm run grade leader-kv --solution mine --seed 3`.
  const { code, out, err } = distlab(['grade', 'leader-kv', 'mine', '3'], { npm_lifecycle_event: 'grade', npm_config_solution: 'true', npm_config_seed: 'true' })
  assert.is(code, 2)
  assert.is(out, '')
  assert.match(err, /npm took --solution, --seed for itself, so the values arrived as plain words \(leader-kv mine 3\)/)
  assert.match(err, /npm run grade leader-kv -- --solution DIR\|ZIP --seed N/)
  assert.match(err, /npx distlab grade leader-kv --solution DIR\|ZIP --seed N/)
  // The same words with the -- are an ordinary run's (here: too many assignments, still exit 2).
  const fine = distlab(['grade', 'leader-kv', 'mine'], { npm_lifecycle_event: 'grade' })
  assert.not.match(fine.err, /npm took/)
})

test('a command says what it compiles before its first output, on stderr', () => {
  const { code, out, err } = distlab(['lab'])
  assert.is(code, 0)
  assert.match(err.split('\n')[0] as string, /^distlab lab: compiling the lab's TypeScript \(tsx\)…$/)
  assert.match(out, /distlab assignments/)
})

test('text wraps at spaces, never cut; a word longer than the line keeps a line of its own', () => {
  const lines = wrapText('a failed check says why in a sentence longer than the line', 24, '  │ ')
  assert.equal(lines, ['  │ a failed check says', '  │ why in a sentence', '  │ longer than the line'])
  const long = wrapText('see /a/very/long/path/that/cannot/break/anywhere here', 20, '', '  ')
  assert.equal(long, ['see', '  /a/very/long/path/that/cannot/break/anywhere', '  here'])
  assert.equal(plain(wrapText('\u001b[31mred words\u001b[39m stay', 12).join('|')), 'red words|stay')
})

test('a wrapped command breaks before a flag, never between it and its value, and still runs as one', () => {
  const command = 'npx distlab grade leader-kv --solution my/solution --test console-transcript --seed 1'
  const lines = wrapCommand(command, 40, '  ')
  assert.equal(lines, ['  npx distlab grade leader-kv \\', '      --solution my/solution \\', '      --test console-transcript \\', '      --seed 1'])
  assert.ok(lines.every((l) => l.length <= 40))
  assert.is(lines.join('\n').replace(/ \\\n\s*/g, ' ').trim(), command)
})

test.run()
