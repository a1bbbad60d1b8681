// Where requests go and what they say: the service's base URL split into the address the runtime
// routes by and a path prefix; a link the service gave (upload and download hrefs, operations)
// split the same way; and the requests of each command.
import { EXIT, type ExitCode } from 'distlab/protocol/disk-client'

export interface Target {
  /** What the runtime routes by: `cloud-api.yandex.net`, `127.0.0.1:8080`. */
  address: string
  /** Path and query on that server. */
  path: string
}

/** A URL split into address and path (`https://host/x?y` → host, `/x?y`), or null if it is none. */
export function targetOf(url: string): Target | null {
  const match = /^https?:\/\/([^/?#]+)(\/[^#]*)?$/.exec(url)
  if (!match) return null
  return { address: match[1] as string, path: match[2] ?? '/' }
}

/** The API's path for a resource request with these parameters. */
export function apiPath(base: Target, endpoint: string, params: Record<string, string | number | boolean | undefined>): string {
  const query = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')
  const prefix = base.path === '/' ? '' : base.path.replace(/\/$/, '')
  return `${prefix}/v1/disk${endpoint}${query ? `?${query}` : ''}`
}

/** An error answer as one line and an exit code (spec.md, "Errors"). */
export function explain(status: number, body: string, path: string, to?: string): { line: string; code: ExitCode } {
  let error = ''
  let description = ''
  try {
    const parsed = JSON.parse(body) as { error?: unknown; description?: unknown; message?: unknown }
    error = typeof parsed.error === 'string' ? parsed.error : ''
    description = typeof parsed.description === 'string' ? parsed.description : typeof parsed.message === 'string' ? parsed.message : ''
  } catch {
    // Not JSON: the status says enough.
  }
  if (status === 401) return { line: 'not authorised: check DISK_TOKEN', code: EXIT.unauthorised }
  if (status === 403) return { line: `forbidden: ${path}${description ? ` (${description})` : ''}`, code: EXIT.unauthorised }
  if (status === 404) return { line: `not found: ${path}`, code: EXIT.notFound }
  if (status === 409 && /AlreadyExists|Existent/i.test(error)) return { line: `already exists: ${to ?? path} (use --overwrite)`, code: EXIT.exists }
  if (status === 409) return { line: `no such folder: the folder of ${to ?? path}`, code: EXIT.notFound }
  if (status === 423) return { line: `locked: ${path} (try again later)`, code: EXIT.refused }
  if (status === 507 || status === 413) return { line: `out of space: ${to ?? path}${description ? ` (${description})` : ''}`, code: EXIT.refused }
  if (status === 429 || status >= 500) return { line: `service unavailable: ${status}${description ? ` ${description}` : ''}`, code: EXIT.unavailable }
  return { line: `refused (${status}${error ? ` ${error}` : ''}): ${description || path}`, code: EXIT.refused }
}
