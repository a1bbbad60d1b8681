// How the HTTP messages (runtime/node/http.ts) and real HTTP/1.1 meet: which messages can be
// written at all, which headers go through, and how bodies are read. HttpTransport does the rest.
import { validateHeaderName, validateHeaderValue, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { isHttpMessage } from '../node/http.ts'
import type { Message } from '../node/types.ts'

/** The biggest request or response body read; a bigger request is answered 413 by the transport. */
export const MAX_BODY = 16 << 20
/** Names the caller's own server on the requests the runtime makes, so the callee knows who calls. */
export const FROM_HEADER = 'x-distlab-from'

/**
 * Headers about one connection, not about the message: the transport frames every message itself
 * (it sets content-length, and sends a body at once), so a node's own are not written.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'expect'])

/** A method is an HTTP token; a path is percent-encoded ASCII starting with `/`. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const PATH = /^\/[\x21-\x7e]*$/

/** Why `msg` cannot be written as HTTP, or null if it can. */
export function whyUnsendable(msg: Message): string | null {
  if (msg.type !== 'HTTP_REQUEST' && msg.type !== 'HTTP_RESPONSE') {
    return `real mode over HTTP carries only HTTP_REQUEST and HTTP_RESPONSE messages (runtime/node/http.ts); a '${msg.type}' message is neither`
  }
  const m = msg as unknown as Record<string, unknown>
  if (!isHttpMessage(msg)) return `real mode over HTTP carries only HTTP_REQUEST and HTTP_RESPONSE messages, and this ${msg.type} is malformed: ${shapeProblem(m)}`
  for (const [name, value] of Object.entries(msg.headers)) {
    try {
      validateHeaderName(name)
      validateHeaderValue(name, value)
    } catch (err) {
      return `an ${msg.type} cannot be written as HTTP: its header ${JSON.stringify(name)} is not valid (${(err as Error).message})`
    }
  }
  if (msg.type === 'HTTP_REQUEST') {
    if (!METHOD.test(msg.method)) return `an HTTP_REQUEST cannot be written as HTTP: its method ${JSON.stringify(msg.method)} is not a token like GET or PUT`
    if (!PATH.test(msg.path)) return `an HTTP_REQUEST cannot be written as HTTP: its path ${JSON.stringify(msg.path)} must start with '/' and be percent-encoded ASCII, without spaces`
  } else if (msg.status < 200) return `an HTTP_RESPONSE cannot be written as HTTP: status ${msg.status} is informational; a response's status is 200 to 599`
  return null
}

/** The first thing wrong with a message of an HTTP type that isHttpMessage refuses. */
function shapeProblem(m: Record<string, unknown>): string {
  const what = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v)
  if (typeof m.rid !== 'number') return `its rid must be a number (it is ${what(m.rid)})`
  if (typeof m.body !== 'string') return `its body must be a string (it is ${what(m.body)}); encode bytes or JSON as text`
  if (typeof m.headers !== 'object' || m.headers === null) return `its headers must be an object of strings (it is ${what(m.headers)})`
  const bad = Object.entries(m.headers).find(([, v]) => typeof v !== 'string')
  if (bad) return `its header ${JSON.stringify(bad[0])} must be a string (it is ${what(bad[1])})`
  if (m.type === 'HTTP_REQUEST') return typeof m.method !== 'string' ? `its method must be a string (it is ${what(m.method)})` : `its path must be a string (it is ${what(m.path)})`
  return `its status must be an integer from 100 to 599 (it is ${JSON.stringify(m.status) ?? what(m.status)})`
}

/** Headers as a node sees them: lower-case names, repeated ones joined with `, `, less `drop`. */
export function headersOf(headers: IncomingHttpHeaders, drop?: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === drop) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

/** A node's headers as written: without hop-by-hop ones (and the runtime's own from header). */
export function headersToWrite(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (!HOP_BY_HOP.has(lower) && lower !== FROM_HEADER) out[lower] = value
  }
  return out
}

/** Answers with `status` and a JSON error body, unless an answer was already written. */
export function writeError(res: ServerResponse, status: number, error: string): void {
  if (res.headersSent || res.destroyed) return
  const body = JSON.stringify({ error })
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body)
}

/** Reads a body up to MAX_BODY; `tooBig` when it is longer (the rest is read and discarded). */
export function readBody(stream: IncomingMessage, done: (body: Buffer, tooBig: boolean) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size <= MAX_BODY) chunks.push(chunk)
    else chunks.length = 0
  })
  stream.on('end', () => done(Buffer.concat(chunks), size > MAX_BODY))
  stream.on('error', () => {})
}
