// The torrent swarm on a real loopback /24 (each node at 127.b.c.d, real TCP between peers, real
// refusals when a node probes the subnet): the grader's restarts-discovery and self-discovery
// groups, at reduced scale, pass in real mode with the reference.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { runGrader } from '../../graders/harness/runGrader.ts'
import { loadSolution } from '../../graders/harness/solution.ts'

const test = suite('torrent in real mode')

test('restarts-discovery and self-discovery (reduced) pass on a loopback /24', async () => {
  const torrent = findAssignment('torrent')
  const solution = await loadSolution({ roles: torrent.roles, referenceDir: torrent.referenceDir })
  const report = await runGrader(await torrent.grader(), { assignment: 'torrent', solution, seed: 1, scale: 'reduced', only: ['restarts-discovery', 'self-discovery'], mode: 'real', wire: torrent.wire })
  assert.equal(report.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.reason}`), [])
  assert.is(report.tests.length, 2)
})

test.run()
