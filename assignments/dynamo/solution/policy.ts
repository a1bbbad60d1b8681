// The data choices a Dynamo node makes, as one object the machines are built with: how versions are
// reconciled, which nodes stand in, who is on the ring. The reference's are `policy`; a known-bad
// variant may change one (see mutants/). Protocol steps (read repair, handoff) are the machines'.
import { REPLICAS } from 'distlab/protocol/dynamo'
import { reconcile, type Version } from './versions.ts'

export interface Policy {
  /** Which versions of a key a node keeps when new ones arrive (in storage and in replication). */
  keep(key: string, versions: Version[]): Version[]
  /** What a read answers from the versions its replies held. */
  answer(key: string, versions: Version[]): Version[]
  /** Which nodes stand in for unreachable replicas: the preference list after the replicas. */
  standIns(preference: string[]): string[]
  /** Which members the ring is built of: those that did not leave. */
  ringMembers(joined: string[], left: string[]): string[]
}

export const policy: Policy = {
  keep: reconcile,
  answer: reconcile,
  standIns: (preference) => preference.slice(REPLICAS),
  ringMembers: (joined, left) => joined.filter((name) => !left.includes(name)).sort(),
}
