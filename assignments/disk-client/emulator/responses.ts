// How answers look on the wire, as recorded (ivknv/yadisk tests/recorded): JSON successes say
// `application/json; charset=utf-8`, errors say `application/json`, a 204 still names the JSON type
// with an empty body, and a link is `{href, method, templated}`.
import type { ApiError } from './errors.ts'
import type { DiskResponse } from './types.ts'

const JSON_OK = 'application/json; charset=utf-8'

export function json(status: number, value: unknown, headers: Record<string, string> = {}): DiskResponse {
  return { status, headers: { 'content-type': JSON_OK, ...headers }, body: JSON.stringify(value), delayMs: 0 }
}

export function noContent(): DiskResponse {
  return { status: 204, headers: { 'content-type': JSON_OK }, body: '', delayMs: 0 }
}

/** An error body with exactly `message`, `description`, `error`, in the recorded order. */
export function apiError(e: ApiError, headers: Record<string, string> = {}): DiskResponse {
  const body = JSON.stringify({ message: e.message, description: e.description, error: e.error })
  return { status: e.status, headers: { 'content-type': 'application/json', ...headers }, body, delayMs: 0 }
}

/** The Link object (docs: reference/response-objects#link). */
export interface Link {
  href: string
  method: string
  templated: boolean
}

export const link = (href: string, method = 'GET'): Link => ({ href, method, templated: false })

/** `?path=disk%3A%2Fa+b`: query encoding as the service writes it (URLSearchParams: `+` for space). */
export function resourceHref(origin: string, path: string): string {
  return `${origin}/v1/disk/resources?${new URLSearchParams({ path }).toString()}`
}

export function operationHref(origin: string, id: string): string {
  return `${origin}/v1/disk/operations/${id}`
}
