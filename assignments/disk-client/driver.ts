// Running the client from a driver (the grader's tests, the lab's story) as a shell runs a
// program: a node that is down gets the command line and environment as its config, its directory
// the local files, and is started; the run ends when it says `exit` with its code.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Cluster } from '../../runtime/index.ts'
import type { ExitResult } from './messages.ts'

export interface Run {
  /** null: the client never said it was done. */
  code: number | null
  lines: string[]
  /** ms the command took (virtual in sim). */
  ms: number
  dir: string
}

export async function runClient(cluster: Cluster, name: string, argv: string[], options: { env: Record<string, string>; files?: Record<string, string | Uint8Array>; within: number }): Promise<Run> {
  const dir = cluster.dataDir(name)
  for (const [file, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, file), content)
  cluster.setConfig(name, { argv, env: options.env })
  const app = cluster.app(name)
  const started = cluster.now
  cluster.start(name)
  const exit = (): ExitResult | undefined => app.inbox.find((m): m is ExitResult => m.type === 'exit')
  try {
    await cluster.until(() => exit() !== undefined, { timeout: options.within, what: `disk-client ${argv.join(' ')} to finish` })
  } catch (err) {
    if (cluster.failure) throw err
  }
  return { code: exit()?.code ?? null, lines: [...cluster.node(name).console], ms: cluster.now - started, dir }
}
