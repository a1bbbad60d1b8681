// The tests' view of an http-store cluster: servers s1..sN at 10.0.0.N:8080 (each joining through
// s1 unless a test says otherwise), and a client `g` in the same network that speaks HTTP as
// messages. A request that gets no answer resolves to null, so a dead or hung server fails the
// check that asked it, not the grader.
import type { Cluster } from '../../runtime/index.ts'
import { httpSecrets } from '../../runtime/index.ts'
import { Http as Driver } from '../../assignments/http-store/driver.ts'
import type { ServerConfig } from '../../assignments/http-store/messages.ts'
import type { TestClusterOptions, TestContext } from '../harness/TestContext.ts'

export const USERS = { alice: 'alice-pw-7', bob: 'bob-pw-3' }
export const CONFIG: ServerConfig = { cluster: 'graded', secret: 'graded-secret-41', users: USERS }
/** Another cluster, for a token this one did not issue. */
export const OTHER: ServerConfig = { cluster: 'graded', secret: 'another-secret-9', users: USERS }

export const server = (i: number): string => `s${i}`
export const addressOf = (i: number): string => `10.0.0.${i}:8080`

export interface StoreOptions extends Omit<TestClusterOptions, 'nodes'> {
  /** Servers that join through s1 at start (default: all but s1). false: nobody joins. */
  join?: boolean
  /** Servers left down at start. */
  down?: number[]
  /** More nodes (a client, another cluster's server). */
  extra?: TestClusterOptions['nodes']
}

export { valuesOf, show, type Answer } from '../../assignments/http-store/driver.ts'

/** The driver, knowing the graded users' passwords. */
export class Http extends Driver {
  constructor(cluster: Cluster) {
    super(cluster, USERS)
  }
}

export async function storeCluster(t: TestContext, n: number, options: StoreOptions = {}): Promise<Cluster> {
  const { join = true, down = [], extra = [], ...rest } = options
  const nodes: TestClusterOptions['nodes'] = Array.from({ length: n }, (_, k) => ({
    name: server(k + 1),
    role: 'server',
    address: addressOf(k + 1),
    config: join && k > 0 ? { ...CONFIG, join: addressOf(1) } : CONFIG,
    start: !down.includes(k + 1),
  }))
  return t.cluster({ network: { latency: [1, 3] }, records: true, secrets: httpSecrets, ...rest, nodes: [...nodes, ...extra] })
}

/** A cluster of n servers, the driver, and alice's token from s1 (the test fails without one). */
export async function authorized(t: TestContext, n: number, options: StoreOptions & { settleMs?: number } = {}): Promise<{ cluster: Cluster; http: Http; token: string }> {
  const { settleMs = 0, ...rest } = options
  const cluster = await storeCluster(t, n, rest)
  const http = new Http(cluster)
  if (settleMs > 0) await cluster.sleep(settleMs)
  const token = await http.token('s1')
  if (!token) return t.fail('POST /auth at s1 gives a token')
  return { cluster, http, token }
}

/** Waits until every server in `names` lists exactly `expected` as members (polling, bounded). */
export async function untilMembers(http: Http, cluster: Cluster, token: string, names: number[], expected: number[], within: number): Promise<Record<string, string[] | null>> {
  const want = expected.map(addressOf).sort().join(',')
  const seen: Record<string, string[] | null> = {}
  const deadline = cluster.now + within
  for (;;) {
    for (const i of names) seen[server(i)] = await http.members(server(i), token)
    if (names.every((i) => seen[server(i)]?.join(',') === want) || cluster.now >= deadline) return seen
    await cluster.sleep(250)
  }
}

/** Server-to-server requests sent since record `from` that mention `text` (a unique key name). */
export function serverRequestsMentioning(cluster: Cluster, from: number, text: string): number {
  let n = 0
  for (const record of cluster.records.slice(from)) {
    if (record.kind !== 'send' || !/^s\d+$/.test(record.node) || !/^s\d+$/.test(record.to)) continue
    if (record.msg.type === 'HTTP_REQUEST' && JSON.stringify(record.msg).includes(text)) n++
  }
  return n
}
