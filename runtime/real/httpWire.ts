// How the HTTP messages (runtime/node/http.ts) and real HTTP/1.1 meet: which messages can be
// written at all, which headers go through, and how bodies are read. HttpTransport does the rest.
import { validateHeaderName, validateHeaderValue, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { isHttpMessage, isHttpStreamMessage, type HttpRequestMessage } from '../node/http.ts'
import type { Message } from '../node/types.ts'

/** The biggest request or response body read; a bigger request is answered 413 by the transport. */
export const MAX_BODY = 16 << 20
/** Names the caller's own server on the requests the runtime makes, so the callee knows who calls. */
export const FROM_HEADER = 'x-distlab-from'

/**
 * Headers about one connection, not about the message: the transport frames every message itself
 * (it sets content-length, and sends a body at once), so a node's own are not written. The one
 * exception is an upload's content-length (framingOf): the node knows the size, the transport does not.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'expect'])

/** A method is an HTTP token; a path is percent-encoded ASCII starting with `/`. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const PATH = /^\/[\x21-\x7e]*$/

const STREAM_TYPES = new Set(['HTTP_BODY', 'HTTP_BODY_ACK', 'HTTP_ABORT'])
/** A content-length a node may give for an upload: a decimal number of bytes. */
const LENGTH = /^\d{1,15}$/

/** Why `msg` cannot be written as HTTP, or null if it can. */
export function whyUnsendable(msg: Message): string | null {
  if (STREAM_TYPES.has(msg.type)) return streamProblem(msg as unknown as Record<string, unknown>)
  if (msg.type !== 'HTTP_REQUEST' && msg.type !== 'HTTP_RESPONSE') {
    return `real mode over HTTP carries only HTTP_REQUEST and HTTP_RESPONSE messages (runtime/node/http.ts), and the HTTP_BODY, HTTP_BODY_ACK and HTTP_ABORT of a node's own streamed requests; a '${msg.type}' message is neither`
  }
  const m = msg as unknown as Record<string, unknown>
  for (const flag of ['bodyFollows', 'streamResponse'] as const) {
    if (m[flag] !== undefined && typeof m[flag] !== 'boolean') return `an ${msg.type} cannot be written as HTTP: its ${flag} must be true, false or absent (it is ${JSON.stringify(m[flag])})`
  }
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
    if (msg.bodyFollows) {
      if (msg.body !== '') return 'an HTTP_REQUEST with bodyFollows cannot be written as HTTP: its body comes in HTTP_BODY messages, so its own body must be empty'
      const length = contentLengthOf(msg.headers)
      if (length !== null && !LENGTH.test(length)) return `an HTTP_REQUEST with bodyFollows cannot be written as HTTP: its content-length ${JSON.stringify(length)} is not a number of bytes`
    }
  } else {
    if (msg.status < 200) return `an HTTP_RESPONSE cannot be written as HTTP: status ${msg.status} is informational; a response's status is 200 to 599`
    if (msg.bodyFollows) {
      return "an HTTP_RESPONSE with bodyFollows cannot be written in real mode: a node serving HTTP answers with a whole body (up to 16 MiB); streamed bodies are for a node's own requests (bodyFollows, streamResponse on its HTTP_REQUEST)"
    }
  }
  return null
}

/** The first thing wrong with an HTTP_BODY, HTTP_BODY_ACK or HTTP_ABORT, or null if it is well-formed. */
function streamProblem(m: Record<string, unknown>): string | null {
  if (isHttpStreamMessage(m) && (m.type === 'HTTP_ABORT' || m.seq >= 0)) return null
  const what = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : typeof v)
  const wrong = `an ${String(m.type)} is malformed:`
  if (typeof m.rid !== 'number') return `${wrong} its rid must be the number of the request it belongs to (it is ${what(m.rid)})`
  if (m.type === 'HTTP_ABORT') return `${wrong} its reason must be a string (it is ${what(m.reason)})`
  if (!(Number.isInteger(m.seq) && (m.seq as number) >= 0)) return `${wrong} its seq must be the piece's number, an integer from 0 (it is ${JSON.stringify(m.seq) ?? what(m.seq)})`
  if (!(m.data instanceof Uint8Array)) return `${wrong} its data must be a Uint8Array (it is ${what(m.data)}); a piece of a body is bytes`
  return `${wrong} its last must be true or false (it is ${what(m.last)})`
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

/** The content-length a node gave among its headers (any case), or null. */
export function contentLengthOf(headers: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === 'content-length') return value.trim()
  return null
}

/**
 * How a request's body is framed: a whole body by its length; an upload (bodyFollows) by the
 * node's own content-length when it gave one (then exactly that many bytes must follow), else chunked.
 */
export function framingOf(msg: HttpRequestMessage, body: Buffer): Record<string, string> {
  if (!msg.bodyFollows) return { 'content-length': String(body.length) }
  const length = contentLengthOf(msg.headers)
  return length !== null ? { 'content-length': length } : { 'transfer-encoding': 'chunked' }
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
