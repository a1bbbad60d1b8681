// Checking the node's own data.bin, once FileInfo is known: which parts already hold the right
// bytes. Parts wholly past the file's old end are zeros now (the file was just extended): their
// hash is that of zeros, computed once instead of hashing the sparse tail of a fresh 1 GB file.
// The rest is hashed on the runtime's pool in jobs of a few MiB, a couple at a time.
import { createHash } from 'node:crypto'
import { hash, type HashEffect } from 'distlab/node'
import type { PartBook } from './parts.ts'
import type { DataFile } from './storage.ts'

const SCAN_BYTES = 4 << 20
const SCAN_IN_FLIGHT = 2
const SCAN_ID = 'scan:'

export interface Scan {
  /** The next part to hash, and the first one past what needs hashing. */
  next: number
  end: number
  inFlight: number
}

/** Starts the check: gains the zero parts past the file's old end; returns what is left to hash. */
export function startScan(book: PartBook, found: number): Scan {
  const first = Math.min(book.count, Math.ceil(found / book.info.PartSize))
  const zeros = new Map<number, string>()
  for (let part = first; part < book.count; part++) {
    const length = book.length(part)
    let digest = zeros.get(length)
    if (digest === undefined) zeros.set(length, (digest = createHash('sha1').update(new Uint8Array(length)).digest('hex')))
    if (book.digest(part) === digest) book.gain(part, false)
  }
  return { next: 0, end: first, inFlight: 0 }
}

export function scanDone(scan: Scan): boolean {
  return scan.next >= scan.end && scan.inFlight === 0
}

/** The next hash jobs, up to SCAN_IN_FLIGHT in flight. */
export function nextScanJobs(scan: Scan, book: PartBook, file: DataFile): HashEffect[] {
  const jobs: HashEffect[] = []
  const perJob = Math.max(1, Math.floor(SCAN_BYTES / book.info.PartSize))
  while (scan.inFlight < SCAN_IN_FLIGHT && scan.next < scan.end) {
    const first = scan.next
    const last = Math.min(scan.end, first + perJob)
    const offset = first * book.info.PartSize
    const end = Math.min(book.info.Size, last * book.info.PartSize)
    jobs.push(hash(`${SCAN_ID}${first}`, file.read(offset, end - offset), { partSize: book.info.PartSize }))
    scan.next = last
    scan.inFlight++
  }
  return jobs
}

export function isScanJob(id: string | number): boolean {
  return typeof id === 'string' && id.startsWith(SCAN_ID)
}

/** A scan job's digests: each part whose digest matches is held. */
export function recordScan(scan: Scan, book: PartBook, id: string, digests: readonly string[]): void {
  const first = Number(id.slice(SCAN_ID.length))
  digests.forEach((digest, i) => {
    if (digest === book.digest(first + i)) book.gain(first + i, false)
  })
  scan.inFlight--
}
