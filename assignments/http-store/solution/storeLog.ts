// The node's durable state: an append-only log, `store.log` in its data directory. One record per
// line, `<crc32 hex> <json>\n`, each appended with a positioned write at the end of the file. The
// fsync policy is group commit: records are appended at once, made durable together by one
// fdatasync at most TIMING.syncMs later, and nothing a record causes (an answer, a propagation) is
// said before that sync. So a crash loses only writes nobody was told about, and may leave a torn
// last record: recovery keeps the longest prefix of whole, intact records and cuts the rest off
// before appending again. The log is never compacted (spec.md says so): it grows with every write.
import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import type { Stamp } from 'distlab/protocol/http-store'

export type LogRecord =
  | { op: 'set'; db: string; key: string; value: unknown; stamp: Stamp }
  | { op: 'member'; address: string }

export interface Recovered {
  records: LogRecord[]
  /** Bytes of torn or corrupt tail cut off. */
  cut: number
}

export class StoreLog {
  private dirty = false

  private constructor(
    private readonly fd: number,
    private end: number,
  ) {}

  /** Opens (creating) the log, reads back every intact record and cuts off a torn tail. */
  static open(dataDir: string): { log: StoreLog } & Recovered {
    const fd = openSync(join(dataDir, 'store.log'), constants.O_RDWR | constants.O_CREAT, 0o644)
    const bytes = readAll(fd)
    const { records, end } = parse(bytes)
    if (end < bytes.length) {
      ftruncateSync(fd, end)
      fdatasyncSync(fd)
    }
    return { log: new StoreLog(fd, end), records, cut: bytes.length - end }
  }

  append(record: LogRecord): void {
    const json = JSON.stringify(record)
    const line = Buffer.from(`${crc32(json).toString(16).padStart(8, '0')} ${json}\n`)
    let done = 0
    while (done < line.length) done += writeSync(this.fd, line, done, line.length - done, this.end + done)
    this.end += line.length
    this.dirty = true
  }

  /** Whether records were appended since the last sync. */
  get unsynced(): boolean {
    return this.dirty
  }

  sync(): void {
    if (!this.dirty) return
    fdatasyncSync(this.fd)
    this.dirty = false
  }

  close(): void {
    closeSync(this.fd)
  }
}

function readAll(fd: number): Buffer {
  const size = fstatSync(fd).size
  const bytes = Buffer.alloc(size)
  let done = 0
  while (done < size) {
    const n = readSync(fd, bytes, done, size - done, done)
    if (n === 0) break
    done += n
  }
  return bytes.subarray(0, done)
}

/** The intact records, and where the last of them ends. */
function parse(bytes: Buffer): { records: LogRecord[]; end: number } {
  const records: LogRecord[] = []
  let end = 0
  while (end < bytes.length) {
    const newline = bytes.indexOf(0x0a, end)
    if (newline < 0) break
    const line = bytes.toString('utf8', end, newline)
    const json = line.slice(9)
    if (line[8] !== ' ' || crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8)) break
    let record: LogRecord
    try {
      record = JSON.parse(json) as LogRecord
    } catch {
      break
    }
    records.push(record)
    end = newline + 1
  }
  return { records, end }
}
