// The http-store grader (seed 003): tokens, reads and writes, propagation, chained reads with
// caching, partial reads, joins, durability through torn writes, dead members, concurrent writes,
// bad input, the console client, and a real-HTTP smoke test. spec.md maps each rule to its test.
import { defineGrader } from '../harness/defineGrader.ts'
import { auth, badInput, partialGet, setGet } from './basics.ts'
import { clientFailover, consoleClient } from './client.ts'
import { durability } from './durability.ts'
import { deadNode, join, missedWrites } from './membership.ts'
import { realHttp } from './realHttp.ts'
import { boundedReads, chainedGet, concurrentSets, propagation } from './replication.ts'

export default defineGrader({
  assignment: 'http-store',
  tests: [auth, setGet, partialGet, propagation, chainedGet, boundedReads, concurrentSets, join, deadNode, missedWrites, durability, badInput, consoleClient, clientFailover, realHttp],
})
