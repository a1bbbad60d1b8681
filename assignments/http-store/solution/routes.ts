// An HTTP request read into what it asks for, or the error response it gets. Everything a request
// can get wrong is refused here, before any state is touched: an unknown path (404), a method the
// path does not take (405), a body over the limit (413), a body that is not the JSON the endpoint
// wants, or a db/key name that could reach outside the data directory (400).
import type { HttpRequestMessage } from 'distlab/node'
import { LIMITS, NAME, type Stamp } from 'distlab/protocol/http-store'

export type Route =
  | { kind: 'auth'; login: string; password: string }
  | { kind: 'set'; db: string; key: string; value: unknown }
  | { kind: 'get'; db: string; keys: string[] }
  | { kind: 'members' }
  | { kind: 'join'; address: string }
  | { kind: 'health' }
  | { kind: 'replicate'; db: string; key: string; value: unknown; stamp: Stamp }
  | { kind: 'lookup'; db: string; keys: string[]; path: string[]; budget: number }
  | { kind: 'announce'; address: string }

export interface Refusal {
  status: number
  error: string
  headers?: Record<string, string>
}

/** Routes that need no token. */
export const OPEN_ROUTES: ReadonlySet<Route['kind']> = new Set(['auth', 'health'])
/** Routes only the cluster's own nodes may call (a person's token cannot make an address a member). */
export const NODE_ROUTES: ReadonlySet<Route['kind']> = new Set(['join', 'replicate', 'lookup', 'announce'])

const ADDRESS = /^[A-Za-z0-9_.:-]{1,100}$/

/** The request's route: its path and method first (404, 405), then its body's size (413), then its body and names (400). */
export function route(req: HttpRequestMessage): Route | Refusal {
  const routed = routeBody(req)
  if (isRefusal(routed) && (routed.status === 404 || routed.status === 405)) return routed
  if (Buffer.byteLength(req.body) > LIMITS.bodyBytes) return { status: 413, error: `the body is over ${LIMITS.bodyBytes} bytes` }
  return routed
}

function routeBody(req: HttpRequestMessage): Route | Refusal {
  const [pathname = ''] = req.path.split('?')
  const parts = pathname.split('/').slice(1)
  const method = req.method.toUpperCase()
  const allow = (methods: string, make: () => Route | Refusal): Route | Refusal =>
    methods.split(',').includes(method) ? make() : { status: 405, error: `${pathname} takes ${methods}`, headers: { allow: methods } }

  if (parts[0] === 'db' && parts.length === 3) {
    const db = name(parts[1] ?? '', 'db name')
    if (typeof db !== 'string') return db
    if (method === 'PUT') {
      const key = name(parts[2] ?? '', 'key')
      if (typeof key !== 'string') return key
      const value = json(req.body)
      return 'refused' in value ? { status: 400, error: `the value of ${key} ${value.refused}` } : { kind: 'set', db, key, value: value.ok }
    }
    return allow('GET,PUT', () => {
      const keys: string[] = []
      for (const raw of (parts[2] ?? '').split('&')) {
        const key = name(raw, 'key')
        if (typeof key !== 'string') return key
        if (!keys.includes(key)) keys.push(key)
      }
      if (keys.length > LIMITS.keysPerGet) return { status: 400, error: `at most ${LIMITS.keysPerGet} keys in one get` }
      return { kind: 'get', db, keys }
    })
  }
  switch (pathname) {
    case '/auth':
      return allow('POST', () => {
        const body = object(req.body, { login: 'string', password: 'string' })
        return isRefusal(body) ? body : { kind: 'auth', login: body.fields.login as string, password: body.fields.password as string }
      })
    case '/health':
      return allow('GET', () => ({ kind: 'health' }))
    case '/cluster/members':
      return allow('GET', () => ({ kind: 'members' }))
    case '/cluster/join':
    case '/internal/announce':
      return allow('POST', () => {
        const body = object(req.body, { address: 'string' })
        if (isRefusal(body)) return body
        const address = body.fields.address as string
        if (!ADDRESS.test(address)) return { status: 400, error: 'address must be host:port or a node name' }
        return { kind: pathname === '/cluster/join' ? 'join' : 'announce', address }
      })
    case '/internal/replicate':
      return allow('POST', () => {
        const body = object(req.body, { db: 'string', key: 'string', stamp: 'object' })
        if (isRefusal(body)) return body
        const { fields } = body
        const db = name(fields.db as string, 'db name')
        const key = name(fields.key as string, 'key')
        const stamp = stampOf(fields.stamp)
        if (typeof db !== 'string') return db
        if (typeof key !== 'string') return key
        if (!stamp || !('value' in fields)) return { status: 400, error: 'a replicate body has db, key, value and stamp {t, c, n}' }
        return { kind: 'replicate', db, key, value: fields.value, stamp }
      })
    case '/internal/lookup':
      return allow('POST', () => {
        const body = object(req.body, { db: 'string', keys: 'object', path: 'object', budget: 'number' })
        if (isRefusal(body)) return body
        const db = name(body.fields.db as string, 'db name')
        if (typeof db !== 'string') return db
        const { keys, path, budget } = body.fields
        if (!isStrings(keys) || keys.length > LIMITS.keysPerGet || !keys.every((k) => NAME.test(k))) return { status: 400, error: 'keys must be a list of key names' }
        if (!isStrings(path) || path.length > LIMITS.hops + 1) return { status: 400, error: `path must be a list of at most ${LIMITS.hops + 1} addresses` }
        return { kind: 'lookup', db, keys, path, budget: budget as number }
      })
    default:
      return { status: 404, error: `no endpoint ${pathname}; see spec.md for the endpoints` }
  }
}

/** A percent-decoded db or key name, or why it is refused. */
function name(raw: string, what: string): string | Refusal {
  let decoded: string
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    return { status: 400, error: `the ${what} is not valid percent-encoding` }
  }
  if (NAME.test(decoded)) return decoded
  return { status: 400, error: `a ${what} is 1-${LIMITS.nameBytes} characters of A-Z a-z 0-9 _ . - and does not start with a dot` }
}

function json(text: string): { ok: unknown } | { refused: string } {
  try {
    return { ok: JSON.parse(text) as unknown }
  } catch {
    return { refused: 'is not JSON' }
  }
}

/** A JSON object body with these fields of these types, or the refusal naming what is wrong. */
function object(text: string, fields: Record<string, 'string' | 'number' | 'object'>): { fields: Record<string, unknown> } | Refusal {
  const parsed = json(text)
  const body = 'ok' in parsed ? parsed.ok : undefined
  const want = Object.entries(fields).map(([f, t]) => `${f} (${t})`).join(', ')
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, error: `the body must be a JSON object with ${want}` }
  const record = body as Record<string, unknown>
  for (const [field, type] of Object.entries(fields)) {
    const value = record[field]
    if (typeof value !== type || value === null || (type === 'number' && !Number.isFinite(value))) return { status: 400, error: `the body must be a JSON object with ${want}` }
  }
  return { fields: record }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

function stampOf(value: unknown): Stamp | null {
  const s = value as Partial<Stamp> | null
  if (!s || typeof s.t !== 'number' || typeof s.c !== 'number' || typeof s.n !== 'string') return null
  return { t: s.t, c: s.c, n: s.n }
}

export const isRefusal = <T extends object>(r: T | Refusal): r is Refusal => 'status' in r && 'error' in r && !('kind' in r) && !('fields' in r)
