// What the grader knows about the writes it made: which value superseded which (a PUT over the
// metadata of a read supersedes what that read returned). With it, two checks beyond the course's
// tests: no acknowledged write is lost (it is read, or something that superseded it is), and
// every replica converges to the same set of versions.
import type { Dynamo, Version } from './dynamoCluster.ts'
import { sorted } from './dynamoCluster.ts'

export class Lineage {
  private readonly parents = new Map<string, string[]>()
  readonly acknowledged: string[] = []

  /** Records an acknowledged write of `value` that replaced `supersedes`. */
  wrote(value: string, supersedes: string[] = []): void {
    this.parents.set(value, supersedes)
    this.acknowledged.push(value)
  }

  /** Acknowledged values that are neither in `final` nor superseded by anything in it. */
  lost(final: string[]): string[] {
    const covered = new Set<string>()
    const visit = (value: string): void => {
      if (covered.has(value)) return
      covered.add(value)
      for (const parent of this.parents.get(value) ?? []) visit(parent)
    }
    for (const value of final) visit(value)
    return this.acknowledged.filter((v) => !covered.has(v))
  }
}

/** Fails unless `read` holds every acknowledged write (or what superseded it). */
export function checkDurable(dynamo: Dynamo, lineage: Lineage, read: Version, where: string): void {
  const lost = lineage.lost(read.values)
  dynamo.t.check(lost.length === 0, `no acknowledged write is lost (${where})`, `lost: ${lost.join(', ')}; read: ${JSON.stringify(read.values)}`)
}

/**
 * After quiescence, every replica, cut off and read on its own, holds the same versions (values
 * and metadata). Quiescence first: a repair still in flight must not be cut off by the check.
 */
export async function checkConverged(dynamo: Dynamo, key: string, replicas: string[]): Promise<Version[]> {
  await dynamo.cluster.sleep(500)
  const held: Version[] = []
  for (const replica of replicas) held.push(await dynamo.heldBy(replica, key))
  const shape = (v: Version): string => JSON.stringify([sorted(v.values), sorted(v.metadata)])
  dynamo.t.check(held.every((v) => shape(v) === shape(held[0] as Version)), 'after healing, every replica holds the same versions', replicas.map((r, i) => `${r}: ${JSON.stringify(held[i]?.values)}`).join('; '))
  return held
}
