// The sandbox's one way to tell the parent anything: frames on a pipe, each authenticated with a
// key only the sandbox's main thread holds. Student code runs in the sandbox's worker threads and
// can write to any of the process's file descriptors, this pipe included; it cannot read the key
// (it never leaves the main thread's memory), so whatever it writes fails verification and is
// ignored, and a frame it garbles is missing. A verdict can be lost to tampering, never forged:
// the parent scores a test whose verdict is missing as failed. Frames carry increasing sequence
// numbers, so a frame cannot be replayed either (a gap is a lost frame).
import { createHmac, timingSafeEqual } from 'node:crypto'

const MARK = 'DLF1 '
/** Frames this long or shorter are written to a pipe in one piece (PIPE_BUF is 4096 on Linux). */
export const ATOMIC_FRAME = 4096

function mac(key: Buffer, seq: number, body: string): string {
  return createHmac('sha256', key).update(`${seq}\n${body}`).digest('hex')
}

/** One frame: `DLF1 <seq> <mac> <base64 JSON>\n`. */
export function encodeFrame(key: Buffer, seq: number, message: unknown): string {
  const body = Buffer.from(JSON.stringify(message)).toString('base64')
  return `${MARK}${seq} ${mac(key, seq, body)} ${body}\n`
}

/**
 * Reads frames from a byte stream in order. Lines that are not a valid next frame are counted
 * and dropped; a garbled line that ends in a frame still yields it (text written just before a
 * frame, without a newline, lands on the same line).
 */
export class FrameReader {
  private buffered = ''
  private last = -1
  /** Lines that were not a valid frame: someone else wrote to the channel. */
  rejected = 0

  constructor(private readonly key: Buffer) {}

  /** Feeds bytes; returns the messages of the complete, authentic frames among them. */
  push(chunk: string): unknown[] {
    this.buffered += chunk
    // A line a hostile writer never ends is cut at a bound, so memory stays small.
    if (this.buffered.length > 16 * 1024 * 1024) {
      this.buffered = this.buffered.slice(-ATOMIC_FRAME * 64)
      this.rejected++
    }
    const lines = this.buffered.split('\n')
    this.buffered = lines.pop() ?? ''
    const messages: unknown[] = []
    for (const line of lines) {
      const message = this.verify(line)
      if (message === undefined) this.rejected++
      else messages.push(message)
    }
    return messages
  }

  private verify(line: string): unknown {
    const at = line.lastIndexOf(MARK)
    if (at < 0) return undefined
    const [seqText, tag, body] = line.slice(at + MARK.length).split(' ')
    const seq = Number(seqText)
    if (!Number.isSafeInteger(seq) || seq <= this.last || tag === undefined || body === undefined) return undefined
    const expected = Buffer.from(mac(this.key, seq, body), 'hex')
    const given = Buffer.from(tag, 'hex')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    try {
      const message: unknown = JSON.parse(Buffer.from(body, 'base64').toString())
      this.last = seq
      return message
    } catch {
      return undefined
    }
  }
}
