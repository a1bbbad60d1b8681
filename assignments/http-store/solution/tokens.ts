// Tokens: `<cluster>.<login>.<nonce>.<mac>`, the mac an HMAC-SHA256 of the rest under the
// cluster's secret, so any node of the cluster checks a token another node issued without asking
// it. A node calls the others with a token it issues to itself under the login `node:<name>`
// (a person's login cannot hold a colon), which alone opens the /internal endpoints.
import { createHmac, randomBytes } from 'node:crypto'

export type TokenCheck = { ok: true; login: string } | { ok: false; status: 401 | 403; error: string }

const mac = (secret: string, text: string): string => createHmac('sha256', secret).update(text).digest('hex').slice(0, 32)

export function issueToken(cluster: string, secret: string, login: string): string {
  const text = `${cluster}.${login}.${randomBytes(8).toString('hex')}`
  return `${text}.${mac(secret, text)}`
}

/** Checks the `authorization: Bearer <token>` header: 401 without a token, 403 for one this cluster did not sign. */
export function checkToken(header: string | undefined, secret: string): TokenCheck {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  if (!match) return { ok: false, status: 401, error: 'this endpoint needs Authorization: Bearer <token>; POST /auth gives one' }
  const parts = (match[1] as string).split('.')
  if (parts.length !== 4) return { ok: false, status: 401, error: 'the token is malformed; POST /auth gives one' }
  const [cluster, login, nonce, signature] = parts as [string, string, string, string]
  if (mac(secret, `${cluster}.${login}.${nonce}`) !== signature) return { ok: false, status: 403, error: 'the token was not issued by this cluster' }
  return { ok: true, login }
}

export const nodeLogin = (name: string): string => `node:${name}`
export const isNodeLogin = (login: string): boolean => login.startsWith('node:')
