// Talking HTTP to http-store servers from a driver (the grader's tests, the lab's story): a client
// in the cluster's network whose requests are HTTP_REQUEST messages. A request that gets no answer
// resolves to null, so a dead or hung server fails the check that asked it, not the driver.
import type { Cluster, HttpResponseMessage } from '../../runtime/index.ts'

/** How long a driver waits for any answer: a chained read's budget and the client's time-out fit in it. */
export const ANSWER_WITHIN_MS = 5000

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
    /** login → password, for token(). */
    private readonly users: Record<string, string> = {},
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

  /** A token from `to` for this login (null if none came). */
  async token(to: string, login = 'alice'): Promise<string | null> {
    const answer = await this.request(to, 'POST', '/auth', { body: JSON.stringify({ login, password: this.users[login] ?? '' }) })
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

