// The tests' view of an http-store cluster: servers s1..sN at 10.0.0.N:8080 (each joining through
// s1 unless a test says otherwise), and a client `g` in the same network that speaks HTTP as
// messages. A request that gets no answer resolves to null, so a dead or hung server fails the
// check that asked it, not the grader.
import type { Cluster, HttpResponseMessage } from '../../runtime/index.ts'
import { httpSecrets } from '../../runtime/index.ts'
import type { ServerConfig } from '../../assignments/http-store/messages.ts'
import type { TestClusterOptions, TestContext } from '../harness/TestContext.ts'

export const USERS = { alice: 'alice-pw-7', bob: 'bob-pw-3' }
export const CONFIG: ServerConfig = { cluster: 'graded', secret: 'graded-secret-41', users: USERS }
/** Another cluster, for a token this one did not issue. */
export const OTHER: ServerConfig = { cluster: 'graded', secret: 'another-secret-9', users: USERS }

/** How long a test waits for any answer: a chained read's budget and the client's time-out fit in it. */
export const ANSWER_WITHIN_MS = 5000

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

export interface Answer {
  status: number
  body: string
  /** The body parsed, or undefined if it is not JSON. */
  json: unknown
}

/** The grader's HTTP client, living in the cluster's network. */
export class Http {
  private rid = 1
  constructor(
    private readonly cluster: Cluster,
    private readonly name = 'g',
  ) {}

  async request(to: string, method: string, path: string, options: { body?: string; token?: string | null; headers?: Record<string, string>; timeout?: number } = {}): Promise<Answer | null> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    const rid = this.rid++
    const message = { type: 'HTTP_REQUEST', rid, method, path, headers, body: options.body ?? '' }
    try {
      const reply = await this.cluster.client(this.name).call<HttpResponseMessage>(to, message, { timeout: options.timeout ?? ANSWER_WITHIN_MS, match: (r) => r.type === 'HTTP_RESPONSE' && r.rid === rid })
      let json: unknown
      try {
        json = JSON.parse(reply.body)
      } catch {
        json = undefined
      }
      return { status: reply.status, body: typeof reply.body === 'string' ? reply.body : '', json }
    } catch (err) {
      if (this.cluster.failure) throw err
      return null
    }
  }

  /** A token from `to` for alice (null if none came). */
  async token(to: string, login: keyof typeof USERS = 'alice'): Promise<string | null> {
    const answer = await this.request(to, 'POST', '/auth', { body: JSON.stringify({ login, password: USERS[login] }) })
    const token = (answer?.json as { token?: unknown } | undefined)?.token
    return answer?.status === 200 && typeof token === 'string' && token.length > 0 ? token : null
  }

  set(to: string, token: string | null, db: string, key: string, value: unknown): Promise<Answer | null> {
    return this.request(to, 'PUT', `/db/${db}/${key}`, { token, body: JSON.stringify(value) })
  }

  get(to: string, token: string | null, db: string, keys: string[]): Promise<Answer | null> {
    return this.request(to, 'GET', `/db/${db}/${keys.join('&')}`, { token })
  }

  async members(to: string, token: string | null): Promise<string[] | null> {
    const answer = await this.request(to, 'GET', '/cluster/members', { token })
    const members = (answer?.json as { members?: unknown } | undefined)?.members
    return answer?.status === 200 && Array.isArray(members) ? members.map(String).sort() : null
  }
}

/** What a GET answered: its status, values and missing keys (empty when the body is not that shape). */
export function valuesOf(answer: Answer | null): { status: number | null; values: Record<string, unknown>; missing: string[] } {
  const body = (answer?.json ?? {}) as { values?: unknown; missing?: unknown }
  const values = typeof body.values === 'object' && body.values !== null && !Array.isArray(body.values) ? (body.values as Record<string, unknown>) : {}
  const missing = Array.isArray(body.missing) ? body.missing.map(String).sort() : []
  return { status: answer?.status ?? null, values, missing }
}

export const show = (answer: Answer | null): string => (answer ? `${answer.status} ${answer.body.slice(0, 300)}` : 'no answer')

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
