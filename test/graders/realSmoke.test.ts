// Graders' smoke subsets on real sockets: the reference passes a few tests of each assignment over
// its seed's wire (XML-RPC for viewservice and pbservice) in wall-clock time. reliable-udp's subset,
// with variants compared against sim, is in test/runtime/realMode.test.ts; torrent's in
// test/assignments/torrentReal.test.ts.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { runGrader } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'

const test = suite('real-mode smoke')

// Tests whose checks hold in wall-clock time. Left out: viewservice's tick-exact tests ("declared
// dead at the 5th tick, not sooner or later": a real tick drifts), and tests that send messages
// the wire has no method for (bad-input, first-master's FROBNICATE: on XML-RPC an unknown method
// is a fault the transport gives, before any node sees it).
const SMOKE: Record<string, string[]> = {
  viewservice: ['no-server', 'first-master', 'first-backup'],
  pbservice: ['master-fails', 'partitioned-master'],
}

for (const [id, only] of Object.entries(SMOKE)) {
  test(`${id}: ${only.join(', ')} pass on real sockets over ${findAssignment(id).wire?.transport ?? 'tcp'}`, async () => {
    const assignment = findAssignment(id)
    const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir })
    const report = await runGrader(await assignment.grader(), { assignment: id, solution, seed: 1, only, mode: 'real', wire: assignment.wire })
    assert.equal(report.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.reason}`), [])
    assert.is(report.tests.length, only.length)
  })
}

test.run()
