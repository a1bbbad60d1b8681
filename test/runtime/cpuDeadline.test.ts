// Hang detection that a busy machine cannot fool: a deadline passes on wall AND CPU time, or at
// HARD_CAP times its wall time; and the reference keeps full marks while other processes load
// every core.
import { spawn, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cpuDeadline, type ProcessClock } from '../../runtime/cpuDeadline.ts'
import { findAssignment } from '../../assignments/registry.ts'
import { gradeSubmission } from '../../lab/grade/gradeSubmission.ts'
import { defineGrader } from '../../graders/harness/defineGrader.ts'
import { runGrader } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'

const test = suite('cpu deadline')

/** A clock whose two readings the test sets. */
function fakeClock(): ProcessClock & { at: { wall: number; cpu: number } } {
  const at = { wall: 0, cpu: 0 }
  return { at, wall: () => at.wall, cpu: () => at.cpu }
}
const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(10)
}

test('wall time alone (a starved process) does not pass it; the CPU time then does', async () => {
  const clock = fakeClock()
  const fired: boolean[] = []
  const deadline = cpuDeadline(20, (byCap) => fired.push(byCap), { clock, hardCap: 100 })
  clock.at.wall = 500 // far past 20 ms of wall time, with no CPU used
  await tick(120)
  assert.equal(fired, [], 'a machine that gave the process no CPU is no verdict')
  clock.at.cpu = 20
  await until(() => fired.length > 0)
  assert.equal(fired, [false])
  deadline.cancel()
})

test('CPU time alone (other threads busy, early in the wall time) does not pass it either', async () => {
  const clock = fakeClock()
  const fired: boolean[] = []
  cpuDeadline(30, (byCap) => fired.push(byCap), { clock, hardCap: 100 })
  clock.at.cpu = 1000
  await tick(40) // the first look: wall time still 0
  assert.equal(fired, [])
  clock.at.wall = 30
  await until(() => fired.length > 0)
  assert.equal(fired, [false])
})

test('something that waits without computing passes it at the hard cap, and a cancelled one never', async () => {
  const clock = fakeClock()
  const fired: boolean[] = []
  cpuDeadline(10, (byCap) => fired.push(byCap), { clock, hardCap: 3 })
  const cancelled: boolean[] = []
  cpuDeadline(10, (byCap) => cancelled.push(byCap), { clock, hardCap: 3 }).cancel()
  clock.at.wall = 29
  await tick(60)
  assert.equal(fired, [])
  clock.at.wall = 30
  await until(() => fired.length > 0)
  assert.equal(fired, [true])
  assert.equal(cancelled, [])
})

test('a test whose process got no CPU for 3 times its wall limit (a starved machine) still passes', async () => {
  // Atomics.wait blocks this thread without computing: what a process the machine does not
  // schedule sees. Judged on wall time alone, the test failed once it woke.
  const grader = defineGrader({
    assignment: 'fixture',
    tests: [
      {
        name: 'starved',
        title: 'runs while the machine gives it no CPU',
        points: 1,
        wallLimit: 1000,
        async run(t) {
          await t.cluster({ nodes: [{ name: 'ok', role: 'node' }] })
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000)
          await tick(50)
        },
      },
    ],
  })
  const solution = await loadSolution({ roles: { node: 'a test node' }, referenceDir: 'test/fixtures/solutions/misbehaving' })
  const report = await runGrader(grader, { assignment: 'fixture', solution, seed: 1 })
  assert.is(report.tests[0]?.passed, true, report.tests[0]?.reason)
  assert.ok((report.tests[0]?.wallMs ?? 0) >= 3000)
})

test('the reference keeps full marks while other processes keep every core busy', async () => {
  // Busy loops that end by themselves (40 s) should this test be killed before its finally runs.
  const load: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 40000; while (Date.now() < end) {}'], { stdio: 'ignore' }),
  )
  try {
    const assignment = findAssignment('leader-kv')
    const grader = await assignment.grader()
    const report = await gradeSubmission({ assignment, grader, tests: grader.tests, seed: 1, scale: 'full', jobs: 2 })
    const failed = report.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.reason}`)
    assert.is(report.points, report.maxPoints, failed.join('\n'))
  } finally {
    for (const child of load) child.kill('SIGKILL')
  }
})

test.run()
