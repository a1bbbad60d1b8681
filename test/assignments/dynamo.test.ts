// The dynamo reference keeps every key on exactly its three replicas through membership changes:
// two nodes joining at once must not leave copies on nodes that are no longer replicas, nor miss a
// replica (the bug an independent review found: COUNT_RECORDS summed to 63 or 66 of 60).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { GraderTestContext } from '../../graders/harness/TestContext.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { Dynamo, addressOf } from '../../graders/dynamo/dynamoCluster.ts'

const test = suite('dynamo reference')
const dynamo = findAssignment('dynamo')

// One seed here; `npm run seeds dynamo` (test:full) runs the grader's membership tests on twenty.
for (const seed of [1]) {
  test(`two nodes joining at once: each of 20 keys ends on exactly its 3 replicas (seed ${seed})`, async () => {
    const solution = await loadSolution({ roles: dynamo.roles, referenceDir: dynamo.referenceDir })
    const t = new GraderTestContext({ seed, solution, timeLimit: 120_000 })
    try {
      const d = await Dynamo.start(t, 9, { join: ['node01', 'node02', 'node03', 'node04', 'node05', 'node06', 'node07'] })
      const keys = Array.from({ length: 20 }, (_, i) => `k${i}-${t.rng.int(0, 1e9)}`)
      for (const key of keys) await d.put(t.rng.pick(d.names.slice(0, 7)), key, `v-${key}`, 3)
      for (const node of ['node08', 'node09']) d.g.send(node, { type: 'JOIN', seed: addressOf('node01') })
      await d.converged(d.names, 'all nine list all nine')
      // Handoff runs every 100 ms while there are hints: give it time, with no reads (no repair).
      await d.cluster.sleep(3000)
      const counts = await Promise.all(d.names.map((n) => d.count(n)))
      assert.is(counts.reduce((a, b) => a + b, 0), keys.length * 3, `COUNT_RECORDS per node: ${counts.join(', ')}`)
      for (const key of keys) {
        const replicas = await d.lookup('node01', key)
        for (const replica of replicas) assert.equal((await d.heldBy(replica, key)).values, [`v-${key}`], `${replica}, a replica of ${key}, holds it itself`)
      }
    } finally {
      await t.dispose()
    }
  })
}

test.run()
