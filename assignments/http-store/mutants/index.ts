// Known-bad variants of the reference, each a change a student could make, and the grader tests
// its bug must fail (test/graders/http-store.test.ts).
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = [
  { name: 'echoes-token', bug: 'every request is logged to the console with its Authorization header', loses: ['auth'] },
  { name: 'accepts-foreign-token', bug: "a token's shape is checked but not its signature: another cluster's token is taken", loses: ['auth'] },
  { name: 'whole-get-404', bug: "the seed's design: one missing key among key1&key2 makes the whole answer 404", loses: ['partial-get'] },
  { name: 'no-cache-on-return', bug: 'a value a chained read brings back is not kept on the nodes it passes', loses: ['chained-get'] },
  { name: 'chain-loops', bug: 'a hop of a chained read forgets its path: nodes ask each other in circles', loses: ['chained-get'] },
  { name: 'propagates-in-a-loop', bug: 'no is_endpoint: a server propagates a propagated write again to every member', loses: ['propagation'] },
  { name: 'last-arrival-wins', bug: 'a propagated write replaces the held one whatever its stamp: concurrent sets diverge', loses: ['concurrent-sets'] },
  { name: 'never-forgets-dead', bug: 'a member that stops answering is never taken off the member list', loses: ['dead-node'] },
  { name: 'no-recovery', bug: 'the log is written but never read back: a restarted server starts empty', loses: ['durability'] },
  { name: 'acks-before-sync', bug: 'a set is acknowledged before the log is synced: a crash right after can lose it', loses: ['durability'] },
  { name: 'torn-tail-breaks-recovery', bug: 'recovery parses every line: a torn last record makes the restarted server throw', loses: ['durability'] },
  { name: 'accepts-dotdot', bug: "names are not checked: '..', '/', NUL and overlong db or key names are stored", loses: ['bad-input'] },
  { name: 'client-no-failover', bug: 'the client asks only its first server and gives up when it does not answer', loses: ['client'] },
]

export default mutants
