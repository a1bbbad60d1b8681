// How object messages travel over TCP in real mode (docs/real-mode.md, "TCP framing"): each
// message is one frame, a 4-byte big-endian length then that many bytes of UTF-8 JSON. Binary
// fields (Uint8Array, ArrayBuffer) are written as {"$bytes": "<base64>"}. A connection the runtime
// opens starts with a hello frame naming the address it listens on, so replies find their way
// back; a program outside the lab may skip it and is then known by its connection's address.
//
// A program outside the lab may also write plain JSON text (what a course's Python student does
// with `sock.sendall(json.dumps(msg).encode())`): a connection whose first byte is `{` is read as
// a stream of JSON objects (back to back, or one per line), and answered the same way, one object
// per line.
import type { Message } from '../node/types.ts'

/** The largest frame either side accepts: a bigger length is a broken or hostile peer. */
export const MAX_FRAME = 64 << 20
/** The largest message in JSON text (what a hand-written client sends; bulk data goes in frames). */
export const MAX_JSON_TEXT = 1 << 20
export const HELLO_TYPE = 'distlab.hello'

export interface Hello {
  type: typeof HELLO_TYPE
  /** The sender's listening address, `127.0.0.1:port`. */
  address: string
}

/** One frame: length, then the message as JSON. Throws TypeError for what JSON cannot carry. */
export function encodeFrame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message, binaryReplacer), 'utf8')
  if (body.length > MAX_FRAME) throw new TypeError(`a message of ${body.length} bytes is over the ${MAX_FRAME >> 20} MiB frame limit of real mode`)
  const frame = Buffer.allocUnsafe(4 + body.length)
  frame.writeUInt32BE(body.length, 0)
  body.copy(frame, 4)
  return frame
}

/** A frame's JSON back into a message, its {"$bytes"} fields as Uint8Arrays; null if it is not a message. */
export function decodeMessage(body: Buffer): Message | Hello | null {
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'), binaryReviver)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') return null
  return value as Message
}

export function isHello(message: Message): message is Hello {
  return message.type === HELLO_TYPE && typeof (message as Partial<Hello>).address === 'string'
}

/** One message as JSON text and a newline: how a connection that spoke JSON text is answered. */
export function encodeJsonLine(message: object): Buffer {
  return Buffer.from(`${JSON.stringify(message, binaryReplacer)}\n`, 'utf8')
}

/**
 * Splits a stream of JSON text into whole objects by counting braces outside strings; `error` is
 * set (and nothing more comes) when it is not JSON objects, or one grows past MAX_FRAME.
 */
export class JsonTextReader {
  error: string | null = null
  private text = ''
  private depth = 0
  private inString = false
  private escaped = false
  private start = -1
  private scanned = 0

  push(chunk: Buffer): Buffer[] {
    if (this.error) return []
    this.text += chunk.toString('utf8')
    const objects: Buffer[] = []
    for (let i = this.scanned; i < this.text.length; i++) {
      const c = this.text[i]
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === '\\') this.escaped = true
        else if (c === '"') this.inString = false
        continue
      }
      if (this.depth === 0) {
        if (c === '{') {
          this.start = i
          this.depth = 1
        } else if (!/\s/.test(c as string)) {
          this.error = `expected a JSON object, found ${JSON.stringify(c)}`
          return objects
        }
        continue
      }
      if (c === '"') this.inString = true
      else if (c === '{' || c === '[') this.depth++
      else if (c === '}' || c === ']') {
        this.depth--
        if (this.depth === 0) objects.push(Buffer.from(this.text.slice(this.start, i + 1), 'utf8'))
      }
    }
    // Keep only the object still open.
    if (this.depth === 0) this.text = ''
    else {
      this.text = this.text.slice(this.start)
      this.start = 0
    }
    this.scanned = this.text.length
    if (this.text.length > MAX_JSON_TEXT) this.error = `a JSON text message over ${MAX_JSON_TEXT >> 20} MiB (send bigger ones in frames)`
    return objects
  }
}

/** Splits a byte stream into frame bodies; `error` is set (and nothing more comes) on a bad length. */
export class FrameReader {
  error: string | null = null
  private buffered: Buffer[] = []
  private size = 0

  push(chunk: Buffer): Buffer[] {
    if (this.error) return []
    this.buffered.push(chunk)
    this.size += chunk.length
    const frames: Buffer[] = []
    while (this.size >= 4) {
      const head = this.peek(4)
      const length = head.readUInt32BE(0)
      if (length > MAX_FRAME) {
        this.error = `a frame of ${length} bytes is over the ${MAX_FRAME >> 20} MiB limit`
        return frames
      }
      if (this.size < 4 + length) break
      const all = this.take(4 + length)
      frames.push(all.subarray(4))
    }
    return frames
  }

  private peek(n: number): Buffer {
    if ((this.buffered[0] as Buffer).length < n) this.buffered = [Buffer.concat(this.buffered)]
    return this.buffered[0] as Buffer
  }

  private take(n: number): Buffer {
    const all = this.buffered.length === 1 ? (this.buffered[0] as Buffer) : Buffer.concat(this.buffered)
    const rest = all.subarray(n)
    this.buffered = rest.length ? [rest] : []
    this.size = rest.length
    return all.subarray(0, n)
  }
}

// Reads the holder's own value: JSON.stringify has already turned a Buffer into {type, data}.
function binaryReplacer(this: unknown, key: string, given: unknown): unknown {
  const value = key === '' ? given : (this as Record<string, unknown>)[key]
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') }
  if (value instanceof ArrayBuffer) return { $bytes: Buffer.from(value).toString('base64') }
  if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set || typeof value === 'bigint') {
    throw new TypeError(`real mode carries messages as JSON: a ${(value as object).constructor.name} cannot be sent (use plain objects, arrays and Uint8Array)`)
  }
  return given
}

function binaryReviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value)
    const bytes = (value as { $bytes?: unknown }).$bytes
    if (keys.length === 1 && typeof bytes === 'string') return new Uint8Array(Buffer.from(bytes, 'base64'))
  }
  return value
}
