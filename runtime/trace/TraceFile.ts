// Writes a trace as JSON lines; a name ending in `.gz` is gzip-compressed on the fly (fflate).
// Writes are synchronous and buffered: a run that dies mid-way still leaves what it flushed.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { Gzip, strToU8 } from 'fflate'
import type { TraceLevel } from '../host/protocol.ts'
import type { MetaRecord, TraceRecord } from './records.ts'
import type { TraceSink } from './Tracer.ts'

const FLUSH_AT = 1 << 16

// A driver that dies (an unhandled error, process.exit) still leaves its traces complete: they
// are the first thing anyone looks at afterwards. 'exit' handlers run synchronously, as writes do.
const open = new Set<TraceFile>()
process.on('exit', () => {
  for (const file of open) file.close()
})

export class TraceFile implements TraceSink {
  private readonly fd: number
  private readonly gzip: Gzip | null
  private buffer: string[] = []
  private buffered = 0
  private closed = false

  constructor(
    readonly path: string,
    meta: MetaRecord,
    readonly level: Exclude<TraceLevel, 'off'> = 'full',
  ) {
    mkdirSync(dirname(path), { recursive: true })
    this.fd = openSync(path, 'w')
    // mtime 0: the same run gives the same bytes, compressed or not.
    this.gzip = path.endsWith('.gz') ? new Gzip({ level: 6, mtime: 0 }, (chunk) => writeSync(this.fd, chunk)) : null
    // The level is said only when records are left out, so full traces keep their bytes.
    this.line(JSON.stringify(level === 'full' ? meta : { ...meta, level }))
    open.add(this)
  }

  write(record: TraceRecord): void {
    this.line(JSON.stringify(record, binaryAsSize))
  }

  close(): void {
    if (this.closed) return
    this.flush(true)
    this.closed = true
    open.delete(this)
    closeSync(this.fd)
  }

  private line(text: string): void {
    if (this.closed) return
    this.buffer.push(text, '\n')
    this.buffered += text.length + 1
    if (this.buffered >= FLUSH_AT) this.flush(false)
  }

  private flush(final: boolean): void {
    const text = this.buffer.join('')
    this.buffer = []
    this.buffered = 0
    if (this.gzip) this.gzip.push(strToU8(text), final)
    else if (text) writeSync(this.fd, text)
  }
}

/** Bulk payloads are summarized: a trace shows that 65536 bytes moved, not the bytes. */
/** Binary data is written as its size, and small buffers (a datagram's header) also as hex. */
export function binaryAsSize(_key: string, value: unknown): unknown {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null
  if (!bytes) return value
  return bytes.length <= SHOWN_BYTES ? { $bytes: bytes.length, hex: Buffer.from(bytes).toString('hex') } : { $bytes: bytes.length }
}

/** Buffers up to this size are shown byte by byte in traces. */
const SHOWN_BYTES = 32
