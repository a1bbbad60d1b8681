// Known-bad variants of the reference, each a one-line change made with xstate's
// `machine.provide`, and the grader tests its bug must fail (test/graders/leader-kv.test.ts).
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = [
  { name: 'early-put-ok', bug: 'the leader answers PUT_OK after the first REPLICATION_OK instead of after all of them', loses: ['put-ok-after-all-acks'] },
  { name: 'stale-follower-answers', bug: 'a server answers GET with whatever it has, even when the client has seen newer', loses: ['try-other-server'] },
  { name: 'follower-applies-locally', bug: 'a follower stores a PUT and acknowledges it itself instead of forwarding it to the leader', loses: ['put-forwarded'] },
  { name: 'console-off-by-a-word', bug: 'the leader prints "Enviando PUT_OK para o Cliente" instead of "Enviando PUT_OK ao Cliente"', loses: ['console-transcript'] },
  { name: 'concurrent-put-lost', bug: 'the leader drops a PUT that arrives while it is still replicating another', loses: ['concurrent-puts'] },
  { name: 'client-forgets-timestamp', bug: 'the client always sends timestamp 0 with GET', loses: ['monotonic-reads', 'console-transcript'] },
  { name: 'client-drops-typeahead', bug: 'the client drops lines typed while a request is in flight instead of reading them after', loses: ['console-transcript'] },
  { name: 'empty-key-accepted', bug: 'the client takes an empty line as the key instead of asking again', loses: ['console-transcript'] },
]

export default mutants
