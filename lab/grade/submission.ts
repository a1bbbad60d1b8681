// Unpacks a student's solution .zip without trusting it. A zip is a list of claims (names, types,
// sizes, checksums) followed by data that need not honour them, so this reads the central
// directory itself, judges every entry before a byte is written (a bad archive leaves nothing
// behind), then inflates each entry in small steps, stopping as soon as it outgrows what it
// declared: a 1 MB zip bomb costs a few MiB, not 1 GiB. Zip64 archives are rejected, not
// supported: a solution needs no file over 4 GiB and no 65,535 entries.
import { closeSync, fchmodSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { Inflate } from 'fflate'
import { DistlabError } from '../../runtime/index.ts'

export interface SubmissionLimits {
  /** Entries in the archive, folders included. */
  maxEntries: number
  /** Uncompressed bytes of all files together. */
  maxTotalBytes: number
  /** Uncompressed bytes of any one file. */
  maxEntryBytes: number
}

const MiB = 1024 * 1024
export const SUBMISSION_LIMITS: Readonly<SubmissionLimits> = { maxEntries: 1000, maxTotalBytes: 64 * MiB, maxEntryBytes: 32 * MiB }

// node_modules left out: `zip -r` follows links, and a skeleton's node_modules links the whole lab.
const ZIP_IT = "zip the solution folder itself (zip -r solution.zip solution/ -x 'solution/node_modules/*')"
const SOURCE_ONLY = 'a solution is source code: leave out node_modules, build output and data'
/** Deflate expands at most ~1032:1, so one step of this much input yields at most ~1 MiB. */
const INFLATE_STEP = 1024
const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000

interface Entry {
  /** As written in the archive, for messages. */
  name: string
  /** Relative to destDir, '/'-separated, checked. */
  path: string
  isDir: boolean
  method: number
  crc: number
  size: number
  data: Uint8Array
}

/** Extracts `zipPath` into the empty directory `destDir` (or leaves it empty and throws BAD_INPUT). */
export function extractSubmission(zipPath: string, destDir: string, limits: Partial<SubmissionLimits> = {}): string {
  const caps: SubmissionLimits = {
    maxEntries: limits.maxEntries ?? SUBMISSION_LIMITS.maxEntries,
    maxTotalBytes: limits.maxTotalBytes ?? SUBMISSION_LIMITS.maxTotalBytes,
    maxEntryBytes: limits.maxEntryBytes ?? SUBMISSION_LIMITS.maxEntryBytes,
  }
  // On failure everything under destDir is removed, so it must hold nothing of anyone else's.
  if (readdirSync(destDir).length) throw new Error(`extractSubmission: ${destDir} must be an empty directory`)
  const label = basename(zipPath)
  // Deflate barely grows incompressible data, so a file far above the total cap cannot be within it.
  if (statSync(zipPath).size > 2 * caps.maxTotalBytes + MiB) {
    throw new DistlabError('BAD_INPUT', `${label}: the archive is larger than the ${bytes(caps.maxTotalBytes)} a solution may unpack to; ${SOURCE_ONLY}`)
  }
  const entries = readEntries(readFileSync(zipPath), label, caps)
  try {
    for (const entry of entries) writeEntry(entry, destDir, label)
  } catch (err) {
    for (const child of readdirSync(destDir)) rmSync(join(destDir, child), { recursive: true, force: true })
    throw err
  }
  return destDir
}

/** Reads and checks the central directory and each local header; writes nothing. */
function readEntries(zip: Buffer, label: string, caps: SubmissionLimits): Entry[] {
  const bad = (what: string) => new DistlabError('BAD_INPUT', `${label}: ${what}`)
  const damaged = (what: string) => bad(`${what}; the archive is damaged, ${ZIP_IT}`)
  const zip64 = bad(`is a zip64 archive, which is not supported (a solution needs no file over 4 GiB); ${ZIP_IT}`)

  const eocd = findEndOfCentralDirectory(zip)
  if (eocd < 0) throw bad(`not a zip archive (no end-of-central-directory record); ${ZIP_IT}`)
  const count = zip.readUInt16LE(eocd + 10)
  const cdSize = zip.readUInt32LE(eocd + 12)
  const cdOffset = zip.readUInt32LE(eocd + 16)
  const hasZip64Locator = eocd >= 20 && zip.readUInt32LE(eocd - 20) === 0x07064b50
  if (hasZip64Locator || count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw zip64
  if (zip.readUInt16LE(eocd + 4) !== 0 || zip.readUInt16LE(eocd + 6) !== 0 || zip.readUInt16LE(eocd + 8) !== count) {
    throw bad(`is split into several parts (a multi-disk zip); ${ZIP_IT}`)
  }
  if (count > caps.maxEntries) throw bad(`has ${count} entries, more than the limit of ${caps.maxEntries}; ${SOURCE_ONLY}`)
  const cdEnd = cdOffset + cdSize
  if (cdEnd > eocd) throw damaged('the central directory runs past its end')

  const entries: Entry[] = []
  const claimed = new Map<string, { name: string; isDir: boolean; explicit: boolean }>()
  let total = 0
  for (let i = 0, pos = cdOffset; i < count; i++) {
    if (pos + 46 > cdEnd || zip.readUInt32LE(pos) !== 0x02014b50) throw damaged(`central directory record ${i + 1} is malformed`)
    const flags = zip.readUInt16LE(pos + 8)
    const method = zip.readUInt16LE(pos + 10)
    const crc = zip.readUInt32LE(pos + 16)
    const compressedSize = zip.readUInt32LE(pos + 20)
    const size = zip.readUInt32LE(pos + 24)
    const nameBytes = zip.subarray(pos + 46, pos + 46 + zip.readUInt16LE(pos + 28))
    const mode = zip.readUInt32LE(pos + 38) >>> 16 // the unix mode, when the zip was made on unix
    const localOffset = zip.readUInt32LE(pos + 42)
    pos += 46 + nameBytes.length + zip.readUInt16LE(pos + 30) + zip.readUInt16LE(pos + 32)
    if (pos > cdEnd) throw damaged(`central directory record ${i + 1} runs past the directory`)

    const name = decodeName(nameBytes)
    if (name === null) throw bad(`entry ${i + 1} has a name that is not valid UTF-8; rename it using plain ASCII`)
    const shown = name.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    const reject = (what: string) => bad(`entry '${shown}' ${what}`)
    // Checked before the path, so a NUL cannot cut a name short anywhere below.
    if (name !== shown) throw reject('has a control character in its name; rename the file')
    if (/^([\\/]|[A-Za-z]:)/.test(name)) throw reject(`is an absolute path; ${ZIP_IT}`)
    // Windows tools write '\' as a separator, so it is one here too.
    const segments = name.split(/[\\/]/).filter((s) => s !== '' && s !== '.')
    if (segments.includes('..')) throw reject(`points outside the archive; ${ZIP_IT}`)
    const isDir = /[\\/]$/.test(name)
    const type = mode & S_IFMT
    if (type === S_IFLNK) throw reject('is a symbolic link; put the file itself in the zip (zip without -y)')
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw reject('is not a regular file or folder (a device, pipe or socket); leave it out')
    if (type !== 0 && (type === S_IFDIR) !== isDir) throw damaged(`entry '${shown}' is marked as a ${isDir ? 'file' : 'folder'} but named as the other`)
    if (flags & 1) throw reject('is encrypted; zip the solution without a password')
    if (method !== 0 && method !== 8) throw reject(`uses compression method ${method}; only stored (0) and deflate (8) are supported, ${ZIP_IT}`)
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) throw zip64
    if (size > caps.maxEntryBytes) throw reject(`is ${bytes(size)}, more than ${bytes(caps.maxEntryBytes)} (the limit for one file); ${SOURCE_ONLY}`)
    total += size
    if (total > caps.maxTotalBytes) throw bad(`unpacks to more than ${bytes(caps.maxTotalBytes)} (the limit for a solution); ${SOURCE_ONLY}`)
    if (isDir && size !== 0) throw damaged(`folder entry '${shown}' holds data`)
    if (method === 0 && compressedSize !== size) throw damaged(`entry '${shown}' is stored with two different sizes`)
    if (segments.length === 0) {
      if (isDir) continue // './': the destination itself
      throw reject('does not name a file')
    }

    // Compared ignoring case and Unicode form: on macOS and Windows such names are one file.
    const path = segments.join('/')
    const conflict = (other: string) =>
      bad(`entries '${other}' and '${shown}' unpack to the same path (names are compared ignoring case); rename one of them`)
    for (let depth = 1; depth < segments.length; depth++) {
      const parent = fold(segments.slice(0, depth).join('/'))
      const prior = claimed.get(parent)
      if (prior && !prior.isDir) throw conflict(prior.name)
      if (!prior) claimed.set(parent, { name: shown, isDir: true, explicit: false })
    }
    const prior = claimed.get(fold(path))
    if (prior && (prior.explicit || !isDir)) throw conflict(prior.name)
    claimed.set(fold(path), { name: shown, isDir, explicit: true })

    // The local header repeats the name and says where the data starts; the central directory wins
    // on everything else, but a name that differs between the two is a disguise.
    const localName = localOffset + 30
    if (localName > cdOffset || zip.readUInt32LE(localOffset) !== 0x04034b50) throw damaged(`entry '${shown}' has no local header`)
    const dataStart = localName + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28)
    if (dataStart + compressedSize > cdOffset) throw damaged(`entry '${shown}' runs past the end of the data`)
    if (zip.readUInt16LE(localOffset + 26) !== nameBytes.length || !zip.subarray(localName, localName + nameBytes.length).equals(nameBytes)) {
      throw damaged(`entry '${shown}' has a different name in its local header`)
    }
    entries.push({ name: shown, path, isDir, method, crc, size, data: zip.subarray(dataStart, dataStart + compressedSize) })
  }
  return entries
}

function writeEntry(entry: Entry, destDir: string, label: string): void {
  const target = join(destDir, ...entry.path.split('/'))
  if (entry.isDir) {
    mkdirSync(target, { recursive: true })
    return
  }
  mkdirSync(dirname(target), { recursive: true })
  const damaged = (what: string) => new DistlabError('BAD_INPUT', `${label}: entry '${entry.name}' ${what}; the archive is damaged or crafted, ${ZIP_IT}`)
  // 'wx': never overwrite, never follow a link that something else left there.
  const fd = openSync(target, 'wx', 0o644)
  try {
    fchmodSync(fd, 0o644) // openSync's mode is narrowed by the umask
    let written = 0
    let crc = 0
    const sink = (chunk: Uint8Array) => {
      written += chunk.length
      // The declared size is within the caps, so holding each entry to it holds the total too.
      if (written > entry.size) throw damaged(`inflates to more than the ${bytes(entry.size)} it declares`)
      crc = crc32(crc, chunk)
      for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at)
    }
    if (entry.method === 0) sink(entry.data)
    else inflateInSteps(entry.data, sink, (message) => damaged(`is not valid deflate data (${message})`))
    if (written !== entry.size) throw damaged(`inflates to ${bytes(written)} but declares ${bytes(entry.size)}`)
    if (crc !== entry.crc) throw damaged('fails its CRC-32 check')
  } finally {
    closeSync(fd)
  }
}

/** Inflates in small steps so that `sink` (which throws past the limit) sees output as it grows. */
function inflateInSteps(data: Uint8Array, sink: (chunk: Uint8Array) => void, invalid: (message: string) => Error): void {
  const inflater = new Inflate((chunk) => sink(chunk))
  for (let at = 0; ; at += INFLATE_STEP) {
    const end = Math.min(at + INFLATE_STEP, data.length)
    try {
      inflater.push(data.subarray(at, end), end === data.length)
    } catch (err) {
      // fflate's errors carry a numeric code; the sink's (limits, disk) pass through untouched.
      if (err instanceof Error && typeof (err as Error & { code?: unknown }).code === 'number') throw invalid(err.message)
      throw err
    }
    if (end === data.length) return
  }
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65,535; it must end exactly at the end of the file.
  for (let pos = zip.length - 22; pos >= 0 && pos >= zip.length - 22 - 0xffff; pos--) {
    if (zip.readUInt32LE(pos) === 0x06054b50 && pos + 22 + zip.readUInt16LE(pos + 20) === zip.length) return pos
  }
  return -1
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
function decodeName(raw: Uint8Array): string | null {
  try {
    return utf8.decode(raw)
  } catch {
    return null
  }
}

const fold = (path: string) => path.normalize('NFC').toLowerCase()

function bytes(n: number): string {
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`
  return n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`
}

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c
})

/** CRC-32 (ISO-HDLC, as in zip); chainable: crc32(crc32(0, a), b) is the CRC of a then b. */
function crc32(crc: number, data: Uint8Array): number {
  let c = ~crc
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}
