// The tests' view of a disk-client session: the emulator (a node at the real service's name, as
// the client's default URL has it) and a client started once per command, like a program run from
// a shell, in a directory the test fills with local files. The test looks at the Disk itself
// through its own HTTP requests, not only at what the client says.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runClient, type Run } from '../../assignments/disk-client/driver.ts'
import { EXIT } from '../../assignments/disk-client/messages.ts'
import type { FaultPlan } from '../../assignments/disk-client/emulator/faults.ts'
import { parseFaults } from '../../assignments/disk-client/emulator/faultSpec.ts'
import { REPO_ROOT, httpSecrets, type Cluster, type HttpResponseMessage, type NodeLimits } from '../../runtime/index.ts'
import type { TestContext } from '../harness/TestContext.ts'

export const EMULATOR_MODULE = join(REPO_ROOT, 'assignments', 'disk-client', 'emulator', 'node.ts')
export const TOKEN = 'AgAAAAgrader-token-7f3a'
export const SERVICE = 'cloud-api.yandex.net'

/** How long one command may take: retries with back-off and a slow operation fit in it. */
const COMMAND_WITHIN_MS = 120_000

export interface SessionOptions {
  /** A fault plan in npm run disk-emulator's --faults syntax. */
  faults?: string
  quota?: number
  opDurationMs?: number
  storage?: 'memory' | 'dir'
  limits?: Partial<NodeLimits>
  /** How many client runs the test makes at most. */
  runs?: number
}

export class Session {
  private runs = 0
  private rid = 1

  private constructor(
    readonly cluster: Cluster,
    private readonly maxRuns: number,
  ) {}

  static async start(t: TestContext, options: SessionOptions = {}): Promise<Session> {
    const runs = options.runs ?? 16
    const faults: FaultPlan | undefined = options.faults ? parseFaults(options.faults) : undefined
    const cluster = await t.cluster({
      network: { latency: [1, 3] },
      secrets: httpSecrets,
      records: true,
      ...(options.limits ? { limits: options.limits } : {}),
      nodes: [
        { name: 'disk', module: EMULATOR_MODULE, address: SERVICE, config: { token: TOKEN, ...(options.quota ? { quota: options.quota } : {}), ...(options.opDurationMs ? { opDurationMs: options.opDurationMs } : {}), ...(faults ? { faults } : {}), ...(options.storage ? { storage: options.storage } : {}) } },
        ...Array.from({ length: runs }, (_, i) => ({ name: `run${i + 1}`, role: 'client', address: `10.0.9.${i + 1}`, start: false, config: {} })),
      ],
    })
    return new Session(cluster, runs)
  }

  /** Runs the client once with these arguments (and DISK_TOKEN unless `env` says otherwise). */
  run(argv: string[], options: { env?: Record<string, string>; files?: Record<string, string | Uint8Array>; within?: number } = {}): Promise<Run> {
    if (this.runs >= this.maxRuns) throw new Error(`the test asked for more than ${this.maxRuns} client runs`)
    return runClient(this.cluster, `run${++this.runs}`, argv, { env: options.env ?? { DISK_TOKEN: TOKEN }, ...(options.files ? { files: options.files } : {}), within: options.within ?? COMMAND_WITHIN_MS })
  }

  /** The Disk's own answer about a path (the test's request, not the client's): its metadata, or null. */
  async meta(path: string): Promise<Record<string, unknown> | null> {
    const answer = await this.api('GET', `/v1/disk/resources?path=${encodeURIComponent(path)}&limit=1000`)
    return answer?.status === 200 ? (JSON.parse(answer.body) as Record<string, unknown>) : null
  }

  /** Puts a file on the Disk directly (through the emulator's upload link), for tests that need one there. */
  async put(path: string, content: string): Promise<void> {
    const link = await this.api('GET', `/v1/disk/resources/upload?path=${encodeURIComponent(path)}&overwrite=true`)
    const href = link ? (JSON.parse(link.body) as { href?: string }).href : undefined
    const target = href ? /^https?:\/\/[^/]+(\/.*)$/.exec(href)?.[1] : undefined
    if (!target) throw new Error(`the emulator gave no upload link for ${path}`)
    const stored = await this.call('PUT', target, content)
    if (stored?.status !== 201) throw new Error(`the emulator did not store ${path}: ${stored ? stored.status : 'no answer'}`)
  }

  async mkdir(path: string): Promise<void> {
    await this.api('PUT', `/v1/disk/resources?path=${encodeURIComponent(path)}`)
  }

  async api(method: string, path: string): Promise<HttpResponseMessage | null> {
    return this.call(method, path, '', { authorization: `OAuth ${TOKEN}` })
  }

  private async call(method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<HttpResponseMessage | null> {
    const rid = this.rid++
    try {
      return await this.cluster.client('t').call<HttpResponseMessage>('disk', { type: 'HTTP_REQUEST', rid, method, path, headers, body }, { timeout: 10_000, match: (r) => r.type === 'HTTP_RESPONSE' && r.rid === rid })
    } catch (err) {
      if (this.cluster.failure) throw err
      return null
    }
  }
}

/** Files in a client's directory, hidden ones included. */
export const filesIn = (dir: string): string[] => readdirSync(dir).sort()
export const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8')
/** What a run came to, to compare in one check: its exit code and the lines it printed. */
export const outcome = (run: Run): { code: number | null; lines: string[] } => ({ code: run.code, lines: run.lines })
export const show = (run: Run): string => `exit ${run.code ?? 'none'}: ${run.lines.join(' | ').slice(0, 400) || 'nothing printed'}`
export { EXIT, type Run }
