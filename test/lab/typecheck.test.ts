// The grader's pre-check (lab/grade/typecheck.ts): tsc names a misspelled field at its file and
// line, says nothing about a clean solution, and a check it cannot do is a note, never a throw.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { formatDiagnostic, parseTscOutput, typecheckSolution } from '../../lab/grade/typecheck.ts'

const test = suite('typecheck')
const scratch = mkdtempSync(join(tmpdir(), 'distlab-typecheck-test-'))
test.after(() => rmSync(scratch, { recursive: true, force: true }))

/** A copy of the leader-kv reference, with `edit` applied to server.ts. */
function leaderKvCopy(name: string, edit: (source: string) => string = (s) => s): string {
  const dir = join(scratch, name)
  cpSync(findAssignment('leader-kv').referenceDir, dir, { recursive: true })
  const server = join(dir, 'server.ts')
  writeFileSync(server, edit(readFileSync(server, 'utf8')))
  return dir
}

test('a misspelled field (tss for ts) is an error at its file and line, relative to the solution', async () => {
  let line = 0
  const dir = leaderKvCopy('typo', (source) =>
    source
      .split('\n')
      .map((text, i) => {
        if (!text.includes("type: 'PUT_OK'") || line) return text
        line = i + 1
        return text.replace('ts: put.ts', 'tss: put.ts')
      })
      .join('\n'),
  )
  assert.ok(line > 0, 'the reference sends PUT_OK with ts: put.ts')
  const result = await typecheckSolution(dir)
  assert.is(result.failure, undefined)
  assert.is(result.errors.length, 1)
  const [error] = result.errors
  assert.is(error?.file, 'server.ts')
  assert.is(error?.line, line)
  assert.is(error?.code, 'TS2353')
  assert.match(error?.message ?? '', /'tss' does not exist in type 'PutOk'/)
  assert.match(formatDiagnostic(error!), new RegExp(`^server\\.ts:${line}:\\d+ error TS2353: `))
})

test('a clean reference has no errors, a folder of plain JavaScript nothing to check', async () => {
  assert.equal(await typecheckSolution(leaderKvCopy('clean')), { errors: [] })
  const js = join(scratch, 'js')
  cpSync(join(scratch, 'clean'), js, { recursive: true })
  for (const name of ['server', 'client']) rmSync(join(js, `${name}.ts`))
  writeFileSync(join(js, 'server.js'), 'export default 1\n')
  assert.equal(await typecheckSolution(js), { errors: [] })
})

test("packages resolve where the build finds them: the solution's own node_modules, then the lab's", async () => {
  const dir = leaderKvCopy('packages', (source) => `import { strToU8 } from 'fflate'\nimport { double } from 'tiny-helper'\nexport const probe: number = double(strToU8('ab').length)\n${source}`)
  const pkg = join(dir, 'node_modules', 'tiny-helper')
  mkdirSync(pkg, { recursive: true })
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'tiny-helper', version: '1.0.0', types: 'index.d.ts', main: 'index.js' }))
  writeFileSync(join(pkg, 'index.d.ts'), 'export declare function double(n: number): number\n')
  writeFileSync(join(pkg, 'index.js'), 'exports.double = (n) => 2 * n\n')
  const clean = await typecheckSolution(dir)
  assert.is(clean.failure, undefined)
  assert.equal(clean.errors.map(formatDiagnostic), [])
  // A package that is in neither place is still an error, at its import.
  writeFileSync(join(dir, 'server.ts'), `import { nothing } from 'no-such-package'\nexport const none = nothing\n${readFileSync(join(dir, 'server.ts'), 'utf8')}`)
  const missing = await typecheckSolution(dir)
  assert.equal(missing.errors.map((e) => [e.file, e.line, e.code]), [['server.ts', 1, 'TS2307']])
})

test('an import from outside the solution is not followed: a note instead of a check', async () => {
  const dir = leaderKvCopy('outside', (source) => `import type { Grader } from '../../../graders/harness/defineGrader.ts'\n${source}`)
  const result = await typecheckSolution(dir)
  assert.equal(result.errors, [])
  assert.match(result.failure ?? '', /^server\.ts imports '\.\.\/\.\.\/\.\.\/graders\/harness\/defineGrader\.ts', which is outside the solution/)
})

test('a check that runs out of time is a note, not a throw', async () => {
  const result = await typecheckSolution(leaderKvCopy('slow'), { timeoutMs: 1 })
  assert.equal(result.errors, [])
  assert.match(result.failure ?? '', /tsc took more than 0 s and was stopped/)
})

test("tsc's elaborations join their error; other lines are kept apart", () => {
  const output = "a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n  The expected type comes from here.\nerror TS5083: Cannot read file.\n"
  const { errors, other } = parseTscOutput(output, scratch)
  assert.equal(errors, [{ file: 'a.ts', line: 3, column: 7, code: 'TS2322', message: "Type 'string' is not assignable to type 'number'.\n  The expected type comes from here." }])
  assert.equal(other, ['error TS5083: Cannot read file.'])
})

test.run()
