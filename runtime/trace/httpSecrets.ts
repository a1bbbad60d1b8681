// The secrets of HTTP messages (runtime/node/http.ts), for the `secrets` cluster option: the
// credentials of an `authorization` header, and `password` and `token` fields of JSON bodies.
// Anything it cannot read (a body that is not JSON, a message of another type) has none.
import { HTTP_REQUEST, HTTP_RESPONSE } from '../node/http.ts'
import type { Message } from '../node/types.ts'

const SECRET_FIELDS: ReadonlySet<string> = new Set(['password', 'token'])

export function httpSecrets(msg: Message): string[] {
  if (typeof msg !== 'object' || msg === null) return []
  const m = msg as unknown as Partial<Record<string, unknown>>
  if (m.type !== HTTP_REQUEST && m.type !== HTTP_RESPONSE) return []
  const found: string[] = []
  if (m.type === HTTP_REQUEST) found.push(...authorizationSecrets(headerValue(m.headers, 'authorization')))
  if (typeof m.body === 'string') found.push(...jsonFieldSecrets(m.body))
  return found
}

/** `Bearer abc`: `abc` (the trace keeps showing the scheme); a `Basic` value also gives the decoded password. */
function authorizationSecrets(value: string | undefined): string[] {
  const whole = value?.trim()
  if (!whole) return []
  const scheme = /^([A-Za-z][\w.+-]*)\s+(\S.*)$/.exec(whole)
  if (!scheme) return [whole]
  const credentials = (scheme[2] as string).trim()
  if (scheme[1]?.toLowerCase() !== 'basic') return [credentials]
  const decoded = Buffer.from(credentials, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon >= 0 ? [credentials, decoded.slice(colon + 1)] : [credentials]
}

/** Header names should arrive in lower case; a hand-built message may not follow that. */
function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name && typeof value === 'string') return value
  return undefined
}

/** String `password` and `token` fields at any depth of a JSON body; none if it does not parse. */
function jsonFieldSecrets(body: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return []
  }
  const found: string[] = []
  const visit = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null || depth > 32) return
    for (const [key, field] of Object.entries(value)) {
      if (typeof field === 'string' && SECRET_FIELDS.has(key.toLowerCase())) found.push(field)
      else visit(field, depth + 1)
    }
  }
  visit(parsed, 0)
  return found
}
