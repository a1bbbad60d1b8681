// Known-bad nodes, each one data choice (policy.ts) or one machine action off from the reference,
// and the tests each must fail.
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = [
  { name: 'no-read-repair', bug: 'a read does not bring the stale replicas it saw up to date', loses: ['stale-replica'] },
  { name: 'no-hinted-handoff', bug: 'copies taken by stand-ins never reach the replica they stood in for', loses: ['sloppy-quorum'] },
  { name: 'last-write-wins', bug: 'of concurrent versions only one survives: siblings are lost', loses: ['replicas-divergence', 'partitioned-clients'] },
  { name: 'cart-merged-in-reply-only', bug: 'concurrent carts are merged in the reply to a read, but stored and replicated apart', loses: ['shopping-cart'] },
  { name: 'no-sloppy-quorum', bug: 'no node stands in for unreachable replicas: the quorum fails instead', loses: ['sloppy-quorum', 'partitioned-client'] },
  { name: 'cart-items-duplicated', bug: 'concurrent carts merge by concatenating their items, so an item both sides added is there twice', loses: ['shopping-cart'] },
  { name: 'lookup-names-departed', bug: 'the ring keeps nodes that left: LOOKUP still names them', loses: ['node-leave'] },
  { name: 'read-drops-siblings', bug: 'a read answers only one of the concurrent versions it found; the others stay stored but unseen', loses: ['replicas-divergence', 'partitioned-clients'] },
]

export default mutants
