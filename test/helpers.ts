import { join } from 'node:path'
import { Cluster, type ClusterOptions } from '../runtime/index.ts'
import { REPO_ROOT } from '../runtime/build/compileModule.ts'

export const fixture = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'nodes', `${name}.ts`)
export const broken = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'broken', `${name}.ts`)

/** Starts a cluster, runs `body`, and always stops the cluster (workers terminated). */
export async function withCluster<T>(options: ClusterOptions, body: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = await Cluster.start(options)
  try {
    return await body(cluster)
  } finally {
    await cluster.stop()
  }
}

/** Resolves to the error a promise rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection, but the promise resolved')
}
