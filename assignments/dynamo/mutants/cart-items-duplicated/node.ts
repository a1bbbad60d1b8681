// BUG: concurrent carts merge by putting their item lists together, so an item both sides added
// appears twice (a concatenation, not a union).
import { defineNode } from 'distlab/node'
import { createNodeMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'
import { isCart, mergeClocks, reconcile, type Version } from '../../solution/versions.ts'

const concatenate = (key: string, versions: Version[]): Version[] => {
  if (!isCart(key)) return reconcile(key, versions)
  // The reference's reconcile without its union: keep the concurrent ones, then glue their items.
  const kept = reconcile('not-a-cart', versions)
  if (kept.length <= 1) return kept
  return [{ value: kept.map((v) => v.value).join(','), clock: mergeClocks(kept.map((v) => v.clock)) }]
}

export default defineNode({ machine: createNodeMachine({ ...policy, keep: concatenate, answer: concatenate }) })
