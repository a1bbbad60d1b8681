// BUG: of concurrent versions only one survives (the one with the highest counters): siblings are lost.
import { defineNode } from 'distlab/node'
import { createNodeMachine } from '../../solution/node.ts'
import { policy } from '../../solution/policy.ts'
import { reconcile, type Version } from '../../solution/versions.ts'

const weight = (v: Version): number => Object.values(v.clock).reduce((a, b) => a + b, 0)
const lastWins = (key: string, versions: Version[]): Version[] => {
  const kept = reconcile(key, versions)
  return kept.length <= 1 ? kept : [kept.reduce((a, b) => (weight(b) >= weight(a) ? b : a))]
}

export default defineNode({ machine: createNodeMachine({ ...policy, keep: lastWins, answer: lastWins }) })
