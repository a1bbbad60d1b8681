// The decisions a Dynamo node makes, as one object the machine is built with. The reference's
// choices are `policy`; a known-bad variant changes one of them (see mutants/).
import { REPLICAS } from 'distlab/protocol/dynamo'
import { reconcile, type Version } from './versions.ts'

export interface Policy {
  /** Which versions of a key a node keeps when new ones arrive (in storage and in replication). */
  keep(key: string, versions: Version[]): Version[]
  /** What a read answers from the versions its replies held. */
  answer(key: string, versions: Version[]): Version[]
  /** Which nodes stand in for unreachable replicas: the preference list after the replicas. */
  standIns(preference: string[]): string[]
  /** Whether a read sends what it found to the replicas that were behind. */
  readRepair: boolean
  /** Whether versions held for another node are handed over to it. */
  handoff: boolean
  /** Which members the ring is built of: those that did not leave. */
  ringMembers(joined: string[], left: string[]): string[]
}

export const policy: Policy = {
  keep: reconcile,
  answer: reconcile,
  standIns: (preference) => preference.slice(REPLICAS),
  readRepair: true,
  handoff: true,
  ringMembers: (joined, left) => joined.filter((name) => !left.includes(name)).sort(),
}
