// Hostile and misbehaving solutions (test/fixtures/hostile) graded as a course would grade them:
// each attempt is contained (denied, or failed with its reason), the score and exit code are the
// ones the solution's behaviour earns, and nothing is left behind: no process, file, directory or
// open port. Each runs one or two of leader-kv's cheapest tests to stay within npm test's budget.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { zipSync } from 'fflate'
import { findAssignment } from '../../assignments/registry.ts'
import { REPO_ROOT } from '../../runtime/build/compileModule.ts'
import type { NodeLimits } from '../../runtime/sim/options.ts'
import { selectTests, type GradeReport } from '../../graders/harness/runGrader.ts'
import { gradeSubmission } from '../../lab/grade/gradeSubmission.ts'
import { SECRET_ENV, SECRET_FILE } from '../fixtures/hostile/attempt.ts'

const test = suite('hostile solutions')
const assignment = findAssignment('leader-kv')
const hostile = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'hostile', name)
const SECRET = `secret-${process.pid}-${Date.now()}`

async function grade(fixture: string, options: { tests?: string[]; limits?: Partial<NodeLimits>; traceFile?: string } = {}): Promise<GradeReport> {
  const grader = await assignment.grader()
  const tests = selectTests(grader, options.tests ?? ['put-at-leader', 'get-latest'])
  return gradeSubmission({ assignment, grader, tests, source: hostile(fixture), seed: 1, scale: 'full', limits: options.limits, traceFile: options.traceFile })
}

/** `npm run grade leader-kv -- ARGS`, as a student or Gradescope runs it. */
/** Runs `grade leader-kv`; `tmp`: its own temporary directory (where its run directories go). */
function cli(args: string[], tmp?: string): { status: number | null; stdout: string } {
  const env = { ...process.env, FORCE_COLOR: '0', [SECRET_ENV]: SECRET, ...(tmp ? { TMPDIR: tmp } : {}) }
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'lab', 'cli', 'grade.ts'), 'leader-kv', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env })
  return { status: run.status, stdout: `${run.stdout}${run.stderr}` }
}

const passedAll = (report: GradeReport): void => {
  const failed = report.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.reason}`)
  assert.is(report.unusable, undefined, report.unusable)
  assert.is(report.points, report.maxPoints, failed.join('\n'))
}

/** The grade runs' directories left in `dir` (a test's own TMPDIR, so other runs on the machine do not count). */
const gradeRuns = (dir: string): string[] => readdirSync(dir).filter((name) => name.startsWith('distlab-grade-'))

test.before(() => {
  writeFileSync(SECRET_FILE, SECRET)
  process.env[SECRET_ENV] = SECRET
})

test.after(() => {
  rmSync(SECRET_FILE, { force: true })
  delete process.env[SECRET_ENV]
})

test('reading outside the data directory is denied: the planted secret reaches no result', async () => {
  const report = await grade('read-outside')
  passedAll(report)
  assert.not.ok(JSON.stringify(report).includes(SECRET))
})

test('writing outside is denied: the checkout and /tmp are unchanged', async () => {
  const graderFile = join(REPO_ROOT, 'graders', 'leader-kv', 'index.ts')
  const before = createHash('sha256').update(readFileSync(graderFile)).digest('hex')
  const report = await grade('write-outside')
  passedAll(report)
  assert.is(createHash('sha256').update(readFileSync(graderFile)).digest('hex'), before)
  assert.not.ok(existsSync('/tmp/distlab-hostile-escape.txt'))
})

test('spawning processes and signalling the grader are denied; no process is left behind', async () => {
  passedAll(await grade('spawn'))
  const sleepers = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && (() => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sleep\u000037')
    } catch {
      return false
    }
  })())
  assert.equal(sleepers, [])
})

test('the inspector cannot be opened, connected to or started by a signal', async () => {
  passedAll(await grade('inspector'))
})

test('the environment is empty: a secret of the grader is not there', async () => {
  const report = await grade('env')
  passedAll(report)
  assert.not.ok(JSON.stringify(report).includes(SECRET))
})

test('no socket opens: no listening port, connection, datagram or fetch', async () => {
  passedAll(await grade('socket'))
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(45678, '127.0.0.1')
    socket.on('connect', () => resolve(socket.destroy() && false))
    socket.on('error', () => resolve(true))
  })
  assert.ok(refused, 'nothing listens on the port the solution tried')
})

test("node:crypto's randomness follows the seed: three runs, one verdict; the replay of a failed test is the same run", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-hostile-replay-'))
  try {
    const runs = await Promise.all([1, 2, 3].map((n) => grade('crypto-randomness', { tests: ['get-latest', 'monotonic-reads'], traceFile: join(dir, `run${n}.jsonl`) })))
    const verdicts = runs.map((r) => r.tests.map((t) => ({ name: t.name, passed: t.passed, reason: t.reason, virtualMs: t.virtualMs })))
    assert.equal(verdicts[1], verdicts[0])
    assert.equal(verdicts[2], verdicts[0])
    const failed = runs[0]?.tests.find((t) => !t.passed)
    assert.ok(failed, 'the random refusals cost points (the fixture does something)')
    const name = (failed as { name: string }).name
    await grade('crypto-randomness', { tests: [name], traceFile: join(dir, `replay.${name}.jsonl`) })
    const full = readFileSync(join(dir, `run1.${name}.jsonl`), 'utf8')
    assert.ok(full.length > 1000)
    assert.is(readFileSync(join(dir, `replay.${name}.jsonl`), 'utf8'), full, 'the replay writes the same trace, byte for byte')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('globalThis does not carry from node to node or test to test; the replay of one test agrees', async () => {
  const full = await grade('global-state', { tests: ['put-at-leader', 'get-latest', 'try-other-server'] })
  passedAll(full)
  const replay = await grade('global-state', { tests: ['try-other-server'] })
  passedAll(replay)
})

test("the worker's port is out of reach: no forged reply is posted (a forged one would fail its node: checkReply)", async () => {
  passedAll(await grade('forged-message'))
})

test('real-time loops cannot start: setImmediate and timers/promises are refused, node:timers is virtual', async () => {
  passedAll(await grade('background-loops'))
})

test('a node that hoards Buffers fails its test naming the limit; the grader goes on', async () => {
  const report = await grade('buffer-growth', { tests: ['monotonic-reads', 'put-at-leader'], limits: { buffersMb: 64 } })
  const hoarding = report.tests.find((t) => t.name === 'monotonic-reads')
  const other = report.tests.find((t) => t.name === 'put-at-leader')
  assert.is(hoarding?.passed, false)
  assert.match(hoarding?.reason ?? '', /went over a resource limit .*over its limit of 64 MiB/s)
  assert.is(other?.passed, true, other?.reason)
})

test('an honest top-level console.log is a log record in the trace, and the solution scores full marks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-hostile-trace-'))
  try {
    passedAll(await grade('console-at-import', { tests: ['put-at-leader'], traceFile: join(dir, 'run.jsonl') }))
    const trace = readFileSync(join(dir, 'run.jsonl'), 'utf8')
    assert.match(trace, /"kind":"log","level":"log","text":"loaded"/)
    assert.match(trace, /"text":"loaded too"/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a module that throws at import or does not build is reported as such: zero points, the reason', async () => {
  const threw = await grade('throws-at-import')
  assert.is(threw.points, 0)
  assert.match(threw.unusable ?? '', /server\.ts: importing the module failed: TypeError: Cannot read properties of undefined \(reading 'port'\)/)
  const broken = await grade('does-not-build')
  assert.is(broken.points, 0)
  assert.match(broken.unusable ?? '', /does-not-build\/server\.ts:5:8: Expected ":" but found "default"/)
})

test('a fake score on every output and forged frames on the channel change nothing: 0 points, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-hostile-out-'))
  try {
    const run = cli(['--solution', hostile('fake-score'), '--test', 'put-at-leader', '--json', join(dir, 'r.json')])
    assert.is(run.status, 1, run.stdout)
    assert.not.match(run.stdout, /^passed 10\/10/m)
    assert.match(run.stdout, /^passed 0\/1 points$/m)
    assert.match(run.stdout, /│ passed 10\/10 points/, 'the solution\'s words are shown quoted')
    assert.is(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).points, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('process.exit at import: exit code 2, and the results file says why with zero points', () => {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-hostile-out-'))
  try {
    const run = cli(['--solution', hostile('exit-at-import'), '--test', 'put-at-leader', '--gradescope', join(dir, 'results.json')])
    assert.is(run.status, 2, run.stdout)
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))
    assert.is(results.score, 0)
    assert.match(results.output, /ended its worker while loading \(process\.exit\(0\)\?\)/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a zip slip and a zip bomb are refused before extraction; results are written; no run directory stays', () => {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-hostile-zip-'))
  const tmp = mkdtempSync(join(tmpdir(), 'distlab-hostile-tmp-'))
  try {
    const server = readFileSync(join(assignment.referenceDir, 'server.ts'))
    writeFileSync(join(dir, 'slip.zip'), zipSync({ 'server.ts': server, '../../escaped.ts': new Uint8Array(4) }))
    // A bomb: 256 MiB of zeros compress to ~256 KiB; declared honestly, it is over the size cap.
    writeFileSync(join(dir, 'bomb.zip'), zipSync({ 'server.ts': server, 'data.bin': new Uint8Array(256 * 1024 * 1024) }, { level: 9 }))
    for (const [zip, reason] of [['slip.zip', /points outside the archive/], ['bomb.zip', /data\.bin/]] as const) {
      const run = cli(['--solution', join(dir, zip), '--json', join(dir, `${zip}.json`)], tmp)
      assert.is(run.status, 2, run.stdout)
      const results = JSON.parse(readFileSync(join(dir, `${zip}.json`), 'utf8'))
      assert.is(results.points, 0)
      assert.match(results.unusable, reason)
    }
    assert.not.ok(existsSync(join(dir, '..', 'escaped.ts')))
    assert.equal(gradeRuns(tmp), [])
  } finally {
    rmSync(tmp, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an output or trace path that cannot be written fails at once with exit code 2', () => {
  const run = cli(['--json', '/proc/distlab/results.json'])
  assert.is(run.status, 2, run.stdout)
  assert.match(run.stdout, /--json \/proc\/distlab\/results\.json: cannot write there/)
  const trace = cli(['--trace', '/proc/distlab/run.jsonl'])
  assert.is(trace.status, 2, trace.stdout)
  assert.match(trace.stdout, /--trace \/proc\/distlab\/run\.jsonl: cannot write there/)
})

test.run()
