// The grading harness: a solution is checked before anything runs; a test that throws, hangs,
// never answers or overruns fails with its reason while the grader goes on; outputs parse.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { defineGrader } from '../../graders/harness/defineGrader.ts'
import { runGrader, selectTests } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { gradeSubmission } from '../../lab/grade/gradeSubmission.ts'
import { toGradescope, toJson, toJunit } from '../../lab/grade/writeResults.ts'
import { isDistlabError } from '../../runtime/index.ts'
import { rejection } from '../helpers.ts'

const test = suite('grading harness')
const leaderKv = findAssignment('leader-kv')
const kvShape = { roles: leaderKv.roles, referenceDir: leaderKv.referenceDir }
const solutions = 'test/fixtures/solutions'

test('a solution missing a role is refused with what each missing file must be', async () => {
  const err = await rejection(loadSolution(kvShape, `${solutions}/incomplete`))
  assert.ok(isDistlabError(err, 'BAD_INPUT'))
  assert.match(err.message, /is missing:\n  client\.ts — the leader-kv console client/)
  assert.match(err.message, /export default defineNode\(\{ machine \}\)/)
  const nowhere = await rejection(loadSolution(kvShape, `${solutions}/nowhere`))
  assert.match(nowhere.message, /--solution .*nowhere: no such file or directory/)
})

test('a module that does not build is named with its file and line before any test runs', async () => {
  const err = await rejection(loadSolution(kvShape, `${solutions}/broken`))
  assert.ok(isDistlabError(err, 'NODE_LOAD'))
  assert.match(err.message, /broken\/client\.ts/)
  assert.match(err.message, /nope/)
})

test('a zipped solution outside the project (in a folder of the zip) is graded in the sandbox and passes', async () => {
  const files: Record<string, Uint8Array> = {}
  // The reference imports its protocol as distlab/protocol/leader-kv: it builds from anywhere.
  for (const name of readdirSync(leaderKv.referenceDir)) files[`my-solution/${name}`] = readFileSync(join(leaderKv.referenceDir, name))
  const dir = mkdtempSync(join(tmpdir(), 'distlab-zip-test-'))
  try {
    const zip = join(dir, 'solution.zip')
    writeFileSync(zip, zipSync(files))
    const grader = await leaderKv.grader()
    const report = await gradeSubmission({ assignment: leaderKv, grader, tests: selectTests(grader, ['put-at-leader']), source: zip, seed: 1, scale: 'full' })
    assert.is(report.unusable, undefined, report.unusable)
    assert.is(report.points, 1, report.tests[0]?.reason)
    assert.is(report.solution, zip)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

const misbehaving = defineGrader({
  assignment: 'fixture',
  tests: [
    {
      name: 'throws',
      title: 'a node that throws fails this test only',
      points: 1,
      async run(t) {
        const cluster = await t.cluster({ nodes: [{ name: 'bad', role: 'node' }] })
        await cluster.client('g').call('bad', { type: 'THROW' })
      },
    },
    {
      name: 'passes',
      title: 'the grader goes on after a failure',
      points: 1,
      async run(t) {
        const cluster = await t.cluster({ nodes: [{ name: 'bad', role: 'node' }] })
        const pong = await cluster.client('g').call('bad', { type: 'PING' })
        t.equal(pong.type, 'PONG', 'PING is answered with PONG')
      },
    },
    {
      name: 'hangs',
      title: 'a node in an endless loop fails the test in bounded wall time',
      points: 1,
      async run(t) {
        const cluster = await t.cluster({ nodes: [{ name: 'bad', role: 'node' }], stepTimeoutMs: 400 })
        await cluster.client('g').call('bad', { type: 'LOOP' })
      },
    },
    {
      name: 'silent',
      title: 'a node that never answers fails the test',
      points: 1,
      async run(t) {
        const cluster = await t.cluster({ nodes: [{ name: 'bad', role: 'node' }] })
        await cluster.client('g').call('bad', { type: 'UNKNOWN_REQUEST' }, { timeout: 500 })
      },
    },
    {
      name: 'wall',
      title: 'a test stuck outside the simulation fails at its wall limit',
      points: 1,
      wallLimit: 300,
      async run(t) {
        await t.cluster({ nodes: [{ name: 'bad', role: 'node' }] })
        await new Promise(() => {})
      },
    },
    {
      name: 'virtual',
      title: 'a test that runs past its virtual time limit fails',
      points: 1,
      timeLimit: 1000,
      async run(t) {
        const cluster = await t.cluster({ nodes: [{ name: 'bad', role: 'node' }] })
        await cluster.sleep(5000)
      },
    },
    {
      name: 'check',
      title: 'a failed check reports its sentence and both values',
      points: 2,
      async run(t) {
        t.equal({ a: 1 }, { a: 2 }, 'a is two')
      },
    },
  ],
})

test('failures of every kind fail their own test, with a reason, and the grader finishes', async () => {
  const solution = await loadSolution({ roles: { node: 'a test node' }, referenceDir: `${solutions}/misbehaving` })
  const started = performance.now()
  const report = await runGrader(misbehaving, { assignment: 'fixture', solution, seed: 1 })
  assert.ok(performance.now() - started < 15_000, 'bounded wall time')
  const byName = Object.fromEntries(report.tests.map((r) => [r.name, r]))
  assert.is(report.points, 1)
  assert.is(report.maxPoints, 8)
  assert.ok(byName.passes?.passed)
  assert.equal([byName.throws?.kind, byName.hangs?.kind, byName.silent?.kind, byName.wall?.kind, byName.virtual?.kind, byName.check?.kind], ['solution', 'solution', 'timeout', 'timeout', 'timeout', 'check'])
  assert.match(byName.throws?.reason ?? '', /node 'bad' threw while handling THROW from g/)
  assert.match(byName.hangs?.reason ?? '', /did not finish handling LOOP/)
  assert.match(byName.silent?.reason ?? '', /no answer: g: UNKNOWN_REQUEST to bad got no reply within 500 ms/)
  assert.match(byName.wall?.reason ?? '', /more than 1\.8 s of wall time \(6 times its limit of 0\.3 s\) without computing much/)
  assert.match(byName.virtual?.reason ?? '', /virtual-time limit of 1000 ms/)
  assert.is(byName.check?.reason, 'a is two\nexpected: {"a":2}\n     got: {"a":1}')
})

test('each test gets its own seed, derived from the base seed and its name', async () => {
  const solution = await loadSolution({ roles: { node: 'a test node' }, referenceDir: `${solutions}/misbehaving` })
  const a = await runGrader(misbehaving, { assignment: 'fixture', solution, seed: 1, only: ['passes', 'check'] })
  const b = await runGrader(misbehaving, { assignment: 'fixture', solution, seed: 1, only: ['check'] })
  assert.is(a.tests[1]?.seed, b.tests[0]?.seed, 'a test\'s seed does not depend on which other tests run')
  assert.is.not(a.tests[0]?.seed, a.tests[1]?.seed)
  assert.is(a.maxPoints, 3)
})

test('an unknown test name is refused with the list of tests', () => {
  assert.throws(() => selectTests(misbehaving, ['nope']), /no test named 'nope' in the fixture grader; tests: throws, passes/)
})

test('results are written as JSON, JUnit XML and Gradescope results.json', async () => {
  const solution = await loadSolution({ roles: { node: 'a test node' }, referenceDir: `${solutions}/misbehaving` })
  const report = await runGrader(misbehaving, { assignment: 'fixture', solution, seed: 4, only: ['passes', 'check'] })
  const info = { assignment: 'fixture', solution: 'my dir', seed: 4 }
  const json = JSON.parse(toJson(report, info))
  assert.is(json.points, 1)
  assert.is(json.passed, false)
  assert.is(json.tests[1].replay, "npx distlab grade fixture --solution 'my dir' --test check --seed 4 --trace traces/fixture.check.jsonl")
  const junit = toJunit(report, info, { timestamp: new Date(0) })
  assert.match(junit, /<testsuite name="fixture" tests="2" failures="1" errors="0" skipped="0"/)
  assert.match(junit, /<failure type="failed check" message="a is two">a is two\nexpected: \{"a":2\}/)
  assert.match(junit, /replay: npx distlab grade fixture --solution 'my dir' --test check --seed 4/)
  const gradescope = JSON.parse(toGradescope(report, info, { executionTime: 2 }))
  assert.equal([gradescope.score, gradescope.max_score, gradescope.execution_time, gradescope.tests[1].status, gradescope.tests[1].visibility], [1, undefined, 2, 'failed', 'visible'])
})

test('with --trace, each test writes its own trace file', async () => {
  const dir = join('traces', 'harness-test')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const solution = await loadSolution({ roles: { node: 'a test node' }, referenceDir: `${solutions}/misbehaving` })
  await runGrader(misbehaving, { assignment: 'fixture', solution, seed: 1, only: ['passes', 'throws'], traceFile: join(dir, 'run.jsonl') })
  assert.equal(readdirSync(dir).sort(), ['run.passes.jsonl', 'run.throws.jsonl'])
  assert.match(readFileSync(join(dir, 'run.throws.jsonl'), 'utf8'), /"kind":"node.error"/)
})

test.run()
