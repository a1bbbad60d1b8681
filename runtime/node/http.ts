// HTTP as messages. An assignment whose nodes speak HTTP (http-store) sends and receives these two
// messages; in sim they travel the simulated network like any other, in real mode the 'http'
// transport makes them real HTTP/1.1 requests and responses (runtime/real/HttpTransport.ts), so
// curl, fetch or a browser can talk to a node. Bodies are text: the node parses (and refuses) them.
import type { Delivered } from './types.ts'

/** A request. `rid` is the sender's own number for it; the response carries it back. */
export interface HttpRequestMessage {
  type: 'HTTP_REQUEST'
  rid: number
  /** `GET`, `PUT`, `POST`, `DELETE`, ... (upper case). */
  method: string
  /** Path and query, as on the request line: `/db/users/alice&bob?x=1` (percent-encoded). */
  path: string
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>
  body: string
  /** The body follows in HTTP_BODY messages from the sender (`body` is then empty): an upload. */
  bodyFollows?: boolean
  /** Ask for the response's body in HTTP_BODY messages, each acknowledged: a download. */
  streamResponse?: boolean
}

/** The answer to the request numbered `rid` from the node it is sent to. */
export interface HttpResponseMessage {
  type: 'HTTP_RESPONSE'
  rid: number
  status: number
  headers: Record<string, string>
  body: string
  /** The body follows in HTTP_BODY messages (the request asked for `streamResponse`). */
  bodyFollows?: boolean
}

/**
 * A piece of a streamed body, numbered from 0 within its exchange (`rid`, the requester's number):
 * the requester's pieces are its request's body, the answerer's its response's. `last` ends it.
 */
export interface HttpBodyMessage {
  type: 'HTTP_BODY'
  rid: number
  seq: number
  data: Uint8Array
  last: boolean
}

/**
 * The piece `seq` of a streamed body was taken: the sender may have at most a window of pieces
 * unacknowledged, so a stream of any size needs only that much memory on either side (in real
 * mode the transport acknowledges a piece once the socket has taken it).
 */
export interface HttpBodyAckMessage {
  type: 'HTTP_BODY_ACK'
  rid: number
  seq: number
}

/** The exchange `rid` broke off (a connection reset in the middle of a body): nothing more comes. */
export interface HttpAbortMessage {
  type: 'HTTP_ABORT'
  rid: number
  reason: string
}

export type HttpMessage = HttpRequestMessage | HttpResponseMessage
export type HttpStreamMessage = HttpBodyMessage | HttpBodyAckMessage | HttpAbortMessage

/** Pieces of a streamed body in flight, unacknowledged, at most (the sender's window). */
export const HTTP_BODY_WINDOW = 4

export const HTTP_REQUEST = 'HTTP_REQUEST'
export const HTTP_RESPONSE = 'HTTP_RESPONSE'

/** A request to send; `rid` numbers it among the sender's requests. */
export function httpRequest(rid: number, method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): HttpRequestMessage {
  return { type: 'HTTP_REQUEST', rid, method, path, headers: options.headers ?? {}, body: options.body ?? '' }
}

/** The response to `request`, with a JSON body (`content-type: application/json`). */
export function jsonResponse(request: Pick<HttpRequestMessage, 'rid'>, status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseMessage {
  return { type: 'HTTP_RESPONSE', rid: request.rid, status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }
}

export function httpBody(rid: number, seq: number, data: Uint8Array, last: boolean): HttpBodyMessage {
  return { type: 'HTTP_BODY', rid, seq, data, last }
}

/** Whether `value` has the shape of a streamed-body message (a piece, its acknowledgement, an abort). */
export function isHttpStreamMessage(value: unknown): value is HttpStreamMessage {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  if (typeof m.rid !== 'number') return false
  if (m.type === 'HTTP_BODY') return Number.isInteger(m.seq) && m.data instanceof Uint8Array && typeof m.last === 'boolean'
  if (m.type === 'HTTP_BODY_ACK') return Number.isInteger(m.seq)
  if (m.type === 'HTTP_ABORT') return typeof m.reason === 'string'
  return false
}

/** Whether `value` has the shape of an HTTP message (for transports and drivers checking input). */
export function isHttpMessage(value: unknown): value is HttpMessage {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  if (typeof m.rid !== 'number' || typeof m.body !== 'string' || typeof m.headers !== 'object' || m.headers === null) return false
  if (!Object.values(m.headers as object).every((v) => typeof v === 'string')) return false
  if (m.type === 'HTTP_REQUEST') return typeof m.method === 'string' && typeof m.path === 'string'
  if (m.type === 'HTTP_RESPONSE') return typeof m.status === 'number' && Number.isInteger(m.status) && m.status >= 100 && m.status <= 599
  return false
}

export type DeliveredHttpRequest = Delivered<HttpRequestMessage>
