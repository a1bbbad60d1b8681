// The Gradescope kit as Gradescope uses it: the zip unpacked into a fake /autograder (its root in
// AUTOGRADER_ROOT), run_autograder run on a good, a failing and a non-building submission, and a
// results.json in Gradescope's format every time, with the right score.
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { unzipSync } from 'fflate'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { buildKit } from '../../lab/autograder/buildKit.ts'
import { REPO_ROOT } from '../../runtime/index.ts'

const test = suite('gradescope kit')
const VISIBILITY = ['hidden', 'after_due_date', 'after_published', 'visible']

/** Checks results.json against Gradescope's documented fields; returns it. */
function checkResults(file: string): { score: number; output: string; tests: Array<{ name: string; score: number; max_score: number; status: string; output: string }> } {
  const results = JSON.parse(readFileSync(file, 'utf8'))
  assert.type(results.score, 'number')
  assert.type(results.output, 'string')
  assert.ok(results.execution_time === undefined || typeof results.execution_time === 'number')
  assert.is(results.output_format, 'text')
  assert.ok(VISIBILITY.includes(results.visibility) && VISIBILITY.includes(results.stdout_visibility))
  assert.is(results.max_score, undefined, 'no undocumented top-level max_score')
  assert.ok(Array.isArray(results.tests))
  for (const t of results.tests) {
    assert.type(t.name, 'string')
    assert.ok(typeof t.score === 'number' && typeof t.max_score === 'number' && t.score <= t.max_score)
    assert.ok(t.status === 'passed' || t.status === 'failed')
    assert.type(t.output, 'string')
    assert.ok(VISIBILITY.includes(t.visibility))
  }
  const sum = results.tests.reduce((s: number, t: { score: number }) => s + t.score, 0)
  assert.is(results.score, sum)
  return results
}

test('run_autograder grades a good, a failing and a non-building submission, and always writes results.json', async () => {
  const { zip, config } = await buildKit(REPO_ROOT, findAssignment('leader-kv'))
  assert.is(config.assignment, 'leader-kv')
  const files = unzipSync(zip)
  assert.ok(files['setup.sh'] && files['run_autograder'] && files['autograder.json'])
  assert.ok(!Object.keys(files).some((p) => p.startsWith('assignments/leader-kv/solution/')), 'no reference in the zip')
  assert.ok(!Object.keys(files).some((p) => p.startsWith('node_modules/')))
  assert.equal(unzipSync((await buildKit(REPO_ROOT, findAssignment('leader-kv'))).zip), files, 'the same zip every time')
  const root = mkdtempSync(join(tmpdir(), 'distlab-autograder-'))
  try {
    const source = join(root, 'source')
    for (const [path, data] of Object.entries(files)) {
      mkdirSync(dirname(join(source, path)), { recursive: true })
      writeFileSync(join(source, path), data)
    }
    chmodSync(join(source, 'run_autograder'), 0o755)
    // What setup.sh's npm ci leaves, without a download: hard links of this checkout's packages.
    cpSync(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'), { recursive: true, verbatimSymlinks: true })
    const grade = (submission: Record<string, string>) => {
      rmSync(join(root, 'submission'), { recursive: true, force: true })
      rmSync(join(root, 'results'), { recursive: true, force: true })
      mkdirSync(join(root, 'submission', 'my-kv'), { recursive: true })
      // Uploaded as a folder: the role files one level down.
      for (const [name, from] of Object.entries(submission)) copyFileSync(from, join(root, 'submission', 'my-kv', name))
      const run = spawnSync(join(source, 'run_autograder'), [], { cwd: root, env: { ...process.env, AUTOGRADER_ROOT: root }, encoding: 'utf8', timeout: 120_000 })
      assert.is(run.status, 0, run.stderr)
      return checkResults(join(root, 'results', 'results.json'))
    }
    const reference = 'assignments/leader-kv/solution'
    const good = grade({ 'server.ts': `${reference}/server.ts`, 'client.ts': `${reference}/client.ts` })
    assert.is(good.score, 10)
    assert.ok(good.tests.every((t) => t.status === 'passed'))

    const failing = grade({ 'server.ts': 'assignments/leader-kv/starter/server.ts', 'client.ts': `${reference}/client.ts` })
    assert.ok(failing.score < 10)
    const failed = failing.tests.find((t) => t.status === 'failed')
    assert.ok(failed)
    assert.match(failed?.output ?? '', /npx distlab grade leader-kv --solution '<your solution folder>' --test \S+ --seed 1/)
    assert.not.match(failed?.output ?? '', /\/autograder|submission/)

    const broken = join(root, 'broken.ts')
    writeFileSync(broken, 'export default {{{\n')
    const unbuilt = grade({ 'server.ts': broken, 'client.ts': `${reference}/client.ts` })
    assert.is(unbuilt.score, 0)
    assert.match(unbuilt.output, /could not be graded/)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('a grader that starts another assignment’s reference ships it: pbservice carries the viewservice coordinator', async () => {
  const files = Object.keys(unzipSync((await buildKit(REPO_ROOT, findAssignment('pbservice'))).zip))
  assert.ok(files.some((p) => p.startsWith('assignments/viewservice/solution/')), files.filter((p) => p.includes('viewservice')).join('\n'))
  assert.ok(!files.some((p) => p.startsWith('assignments/pbservice/solution/')))
})

test.run()
