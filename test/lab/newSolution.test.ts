// `npm run new <id> DIR` (lab/new): every ready assignment's skeleton type-checks with the project
// files it comes with and loads as the grader loads it; the student's loop (new, npm install, tsc)
// works from a folder outside the checkout and names a misspelled field at its line; nothing is
// overwritten unasked; and the patterns each spec quotes are the starter examples, word for word.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ASSIGNMENTS, findAssignment, isReady } from '../../assignments/registry.ts'
import { findSolution, preflightSolution } from '../../graders/harness/solution.ts'
import { installLinks } from '../../lab/new/installLinks.ts'
import { linkedPackages, tsconfigJson } from '../../lab/new/projectFiles.ts'
import { writeSkeleton } from '../../lab/new/writeSkeleton.ts'

const test = suite('new solution')
const scratch = mkdtempSync(join(tmpdir(), 'distlab-new-test-'))
test.after(() => rmSync(scratch, { recursive: true, force: true }))
const ready = ASSIGNMENTS.filter(isReady)
const leaderKv = findAssignment('leader-kv')

/** tsc with the config in `dir`, run there, as a student runs `npx tsc --noEmit`. */
function tsc(dir: string): { code: number; out: string } {
  const result = spawnSync(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: 60_000 })
  return { code: result.status ?? -1, out: `${result.stdout}${result.stderr}` }
}

function newCommand(cwd: string, ...args: string[]): { code: number; out: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'lab/cli/new.ts', ...args], { encoding: 'utf8', env: { ...process.env, INIT_CWD: cwd, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 60_000 })
  return { code: result.status ?? -1, out: `${result.stdout}${result.stderr}` }
}

test("every ready assignment's skeleton and pattern examples type-check (one tsc run) and load as the grader loads them", async () => {
  const root = join(scratch, 'all')
  mkdirSync(root)
  // One folder, one npm install, one tsc: the skeletons side by side, with a skeleton's own tsconfig.
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'all', private: true, type: 'module', devDependencies: linkedPackages() }))
  assert.is(installLinks(root), null)
  writeFileSync(join(root, 'tsconfig.json'), tsconfigJson())
  for (const assignment of ready) {
    const files = writeSkeleton(assignment, join(root, assignment.id))
    for (const role of Object.keys(assignment.roles)) assert.ok(files.includes(`${role}.ts`), `${assignment.id}: ${role}.ts`)
    rmSync(join(root, assignment.id, 'tsconfig.json'))
    const examples = join(assignment.dir, 'starter', 'examples')
    if (existsSync(examples)) cpSync(examples, join(root, 'examples', assignment.id), { recursive: true })
  }
  const checked = tsc(root)
  assert.is(checked.out, '')
  assert.is(checked.code, 0)
  for (const assignment of ready) {
    const found = findSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, join(root, assignment.id))
    await preflightSolution(found.files)
  }
})

test('new writes outside the checkout relative to where it was typed; npm install and tsc work there; a typo is named at its line', () => {
  const cwd = join(scratch, 'home')
  mkdirSync(cwd)
  const made = newCommand(cwd, 'leader-kv', 'my-solution')
  assert.is(made.code, 0, made.out)
  const dir = join(cwd, 'my-solution')
  assert.equal(readdirSync(dir).sort(), ['.gitignore', 'README.md', 'client.ts', 'node_modules', 'package-lock.json', 'package.json', 'server.ts', 'tsconfig.json'])
  assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /npx distlab grade leader-kv --solution \./)
  assert.equal(tsc(dir), { code: 0, out: '' })
  const server = join(dir, 'server.ts')
  const source = readFileSync(server, 'utf8')
  const typo = "export const typo = protocolOf<LeaderKvMessage>().send('s1', { type: 'REPLICATION', key: 'k', value: 'v', tss: 1 })"
  writeFileSync(server, `${source}import { protocolOf } from 'distlab/node'\nimport type { LeaderKvMessage } from 'distlab/protocol/leader-kv'\n${typo}\n`)
  const line = source.split('\n').length + 2
  const failed = tsc(dir)
  assert.is.not(failed.code, 0)
  assert.match(failed.out, new RegExp(`^server\\.ts\\(${line},\\d+\\): error TS2353: Object literal may only specify known properties, and 'tss' does not exist in type 'Replication'`))
})

test('new refuses to overwrite (nothing written) unless forced, and refuses a folder in the checkout', () => {
  const cwd = join(scratch, 'again')
  mkdirSync(join(cwd, 'sol'), { recursive: true })
  writeFileSync(join(cwd, 'sol', 'server.ts'), 'mine\n')
  const refused = newCommand(cwd, 'leader-kv', 'sol', '--no-install')
  assert.is(refused.code, 2)
  assert.match(refused.out, /sol already has server\.ts; nothing was written \(--force overwrites them\)/)
  assert.equal(readdirSync(join(cwd, 'sol')), ['server.ts'])
  assert.is(readFileSync(join(cwd, 'sol', 'server.ts'), 'utf8'), 'mine\n')
  assert.equal(writeSkeleton(leaderKv, join(cwd, 'sol'), { force: true }).slice(0, 2), ['client.ts', 'server.ts'])
  assert.match(readFileSync(join(cwd, 'sol', 'server.ts'), 'utf8'), /defineNode\(/)
  assert.throws(() => writeSkeleton(leaderKv, join(process.cwd(), 'my-sol')), /is inside the lab's checkout; put your solution in a folder of its own/)
  assert.not.ok(existsSync(join(process.cwd(), 'my-sol')))
})

test('a misspelled assignment gets a did-you-mean, and nothing is written', () => {
  const typo = newCommand(scratch, 'leader-vk', 'x', '--no-install')
  assert.is(typo.code, 2)
  assert.match(typo.out, /unknown assignment 'leader-vk' \(did you mean 'leader-kv'\?\); assignments: /)
  assert.not.ok(existsSync(join(scratch, 'x')))
})

test("each spec's \"Patterns you will need\" quotes its starter examples word for word, every one of them", () => {
  for (const assignment of ready) {
    const spec = readFileSync(join(assignment.dir, 'spec.md'), 'utf8')
    const section = spec.split('\n## Patterns you will need\n')[1]?.split(/\n## /)[0]
    assert.ok(section, `${assignment.id}/spec.md has a "Patterns you will need" section`)
    const examples = readFileSync(join(assignment.dir, 'starter', 'examples', 'patterns.ts'), 'utf8')
    const regions = new Map([...examples.matchAll(/\/\/ #region (\w+)\n([\s\S]*?)\/\/ #endregion\n/g)].map((m) => [m[1] as string, m[2] as string]))
    const quoted = [...section.matchAll(/<!-- starter\/examples\/patterns\.ts#(\w+) -->\n```ts\n([\s\S]*?)```\n/g)]
    assert.equal(quoted.map((m) => m[1]), [...regions.keys()], `${assignment.id}: the spec quotes every region, in order`)
    for (const [, name, code] of quoted) assert.fixture(code as string, regions.get(name as string) as string, `${assignment.id}: ${name}`)
    for (const name of ['timer', 'effects', 'unknown']) assert.ok(regions.has(name), `${assignment.id} shows ${name}`)
    // The assignments with a console client (a menu on stdin, or the disk-client's command line).
    if ('client' in assignment.roles) assert.ok(regions.has('menu'), `${assignment.id} shows a console menu`)
  }
})

test.run()
