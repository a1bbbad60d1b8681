import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strToU8, zipSync, type Zippable } from 'fflate'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { extractSubmission, SUBMISSION_LIMITS, type SubmissionLimits } from '../../lab/grade/submission.ts'
import { DistlabError } from '../../runtime/errors.ts'

const test = suite('submission')
const MiB = 1024 * 1024
let root = ''
let runs = 0

test.before(() => {
  root = mkdtempSync(join(tmpdir(), 'distlab-submission-'))
})
test.after(() => {
  rmSync(root, { recursive: true, force: true })
})

/** Every zip is built here, with a fixed time so the bytes do not depend on the clock. */
function zip(files: Record<string, string | Uint8Array | [Uint8Array, { level?: 0; attrs?: number }]>): Uint8Array {
  const zippable: Zippable = {}
  for (const [name, content] of Object.entries(files)) zippable[name] = typeof content === 'string' ? strToU8(content) : content
  return zipSync(zippable, { mtime: new Date(2024, 0, 1) })
}

/** Overwrites header fields of the entry named `name`, in the central directory and the local header alike. */
function patch(archive: Uint8Array, name: string, fields: { crc?: number; size?: number; attrs?: number; method?: number; flags?: number }): Uint8Array {
  const bytes = Buffer.from(archive)
  const eocd = bytes.length - 22 // fflate writes no archive comment
  let pos = bytes.readUInt32LE(eocd + 16)
  for (let i = 0; i < bytes.readUInt16LE(eocd + 10); i++) {
    const nameLength = bytes.readUInt16LE(pos + 28)
    const local = bytes.readUInt32LE(pos + 42)
    if (bytes.toString('utf8', pos + 46, pos + 46 + nameLength) === name) {
      if (fields.flags !== undefined) bytes.writeUInt16LE(fields.flags, pos + 8), bytes.writeUInt16LE(fields.flags, local + 6)
      if (fields.method !== undefined) bytes.writeUInt16LE(fields.method, pos + 10), bytes.writeUInt16LE(fields.method, local + 8)
      if (fields.crc !== undefined) bytes.writeUInt32LE(fields.crc, pos + 16), bytes.writeUInt32LE(fields.crc, local + 14)
      if (fields.size !== undefined) bytes.writeUInt32LE(fields.size, pos + 24), bytes.writeUInt32LE(fields.size, local + 22)
      if (fields.attrs !== undefined) bytes.writeUInt32LE(fields.attrs >>> 0, pos + 38)
      return bytes
    }
    pos += 46 + nameLength + bytes.readUInt16LE(pos + 30) + bytes.readUInt16LE(pos + 32)
  }
  throw new Error(`no entry '${name}' to patch`)
}

/** Writes the archive to a fresh directory, with an empty destination beside it. */
function stage(archive: Uint8Array | string): { zipPath: string; dest: string; dir: string } {
  const dir = join(root, `run-${++runs}`)
  const dest = join(dir, 'out')
  mkdirSync(dest, { recursive: true })
  const zipPath = join(dir, 'submission.zip')
  writeFileSync(zipPath, archive)
  return { zipPath, dest, dir }
}

/** Extracts and expects a BAD_INPUT matching `message`, with nothing left behind. */
function rejects(archive: Uint8Array | string, message: RegExp, limits?: Partial<SubmissionLimits>): void {
  const { zipPath, dest, dir } = stage(archive)
  let caught: unknown
  try {
    extractSubmission(zipPath, dest, limits)
  } catch (err) {
    caught = err
  }
  assert.instance(caught, DistlabError, `expected a DistlabError, got ${String(caught)}`)
  const error = caught as DistlabError
  assert.is(error.code, 'BAD_INPUT')
  assert.match(error.message, message)
  assert.equal(readdirSync(dest), [], 'nothing is left in the destination')
  assert.equal(readdirSync(dir).sort(), ['out', 'submission.zip'], 'nothing is written beside it')
}

/** Every file under `dir`, relative path → bytes. */
function tree(dir: string, prefix = ''): Record<string, Buffer | 'dir'> {
  const out: Record<string, Buffer | 'dir'> = {}
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name
    if (entry.isDirectory()) Object.assign(out, { [`${rel}/`]: 'dir' }, tree(join(dir, entry.name), `${rel}/`))
    else out[rel] = readFileSync(join(dir, entry.name))
  }
  return out
}

const good = { 'solution/server.ts': 'export default 1\n', 'solution/lib/util.ts': 'export const x = 2\n' }

test('a nested solution extracts byte for byte, files with mode 0644', () => {
  const random = new Uint8Array(200_000).map(() => Math.floor(Math.random() * 256))
  const text = 'export const log = []\n'.repeat(5000)
  const archive = zip({
    ...good,
    'solution/empty/': new Uint8Array(0),
    'solution/data/random.bin': random,
    'solution/data/stored.ts': [strToU8(text), { level: 0 }],
    'solution/run.sh': [strToU8('#!/bin/sh\n'), { attrs: (0o100755 << 16) >>> 0 }],
  })
  const { zipPath, dest } = stage(archive)
  assert.is(extractSubmission(zipPath, dest), dest)
  const files = tree(dest)
  assert.equal(Object.keys(files).sort(), [
    'solution/', 'solution/data/', 'solution/data/random.bin', 'solution/data/stored.ts', 'solution/empty/',
    'solution/lib/', 'solution/lib/util.ts', 'solution/run.sh', 'solution/server.ts',
  ])
  assert.ok(Buffer.from(random).equals(files['solution/data/random.bin'] as Buffer))
  assert.is(String(files['solution/data/stored.ts']), text)
  assert.is(String(files['solution/lib/util.ts']), good['solution/lib/util.ts'])
  assert.is(statSync(join(dest, 'solution/run.sh')).mode & 0o777, 0o644, 'the zip\'s modes are not kept')
  assert.is(statSync(join(dest, 'solution/server.ts')).mode & 0o777, 0o644)
})

test('zip slip: an entry outside the archive is rejected before anything is written', () => {
  const hint = /zip -r solution\.zip solution\/ -x 'solution\/node_modules\/\*'/
  rejects(zip({ ...good, '../evil.ts': 'pwned' }), /^submission\.zip: entry '\.\.\/evil\.ts' points outside the archive; /)
  rejects(zip({ ...good, 'a/../../evil.ts': 'pwned' }), /entry 'a\/\.\.\/\.\.\/evil\.ts' points outside the archive/)
  rejects(zip({ ...good, 'a\\..\\..\\evil.ts': 'pwned' }), /entry 'a\\\.\.\\\.\.\\evil\.ts' points outside the archive/)
  rejects(zip({ ...good, 'a/../b.ts': 'x' }), hint)
  assert.not.ok(existsSync(join(root, 'evil.ts')))
})

test('absolute paths are rejected', () => {
  rejects(zip({ ...good, '/etc/cron.d/x': 'x' }), /entry '\/etc\/cron\.d\/x' is an absolute path; zip the solution folder/)
  rejects(zip({ ...good, 'C:\\x.ts': 'x' }), /entry 'C:\\x\.ts' is an absolute path/)
  rejects(zip({ ...good, '\\\\server\\share\\x.ts': 'x' }), /is an absolute path/)
})

test('a symlink entry is rejected', () => {
  const archive = patch(zip({ ...good, 'solution/link.ts': '/etc/passwd' }), 'solution/link.ts', { attrs: 0o120777 << 16 })
  rejects(archive, /entry 'solution\/link\.ts' is a symbolic link; put the file itself in the zip/)
  const fifo = patch(zip({ ...good, 'solution/pipe': '' }), 'solution/pipe', { attrs: 0o010644 << 16 })
  rejects(fifo, /entry 'solution\/pipe' is not a regular file or folder/)
})

test('too many entries, or entries declaring too much, are rejected from the directory alone', () => {
  rejects(zip({ ...good, 'c.ts': '', 'd.ts': '' }), /^submission\.zip: has 4 entries, more than the limit of 3; a solution is source code/, { maxEntries: 3 })
  const big = patch(zip({ ...good, 'big.bin': 'small really' }), 'big.bin', { size: 40 * MiB })
  rejects(big, /entry 'big\.bin' is 40 MiB, more than 32 MiB \(the limit for one file\); a solution is source code/)
  const three = zip({ 'a.ts': 'x'.repeat(600), 'b.ts': 'x'.repeat(600), 'c.ts': 'x'.repeat(600) })
  rejects(three, /unpacks to more than 1000 bytes \(the limit for a solution\)/, { maxTotalBytes: 1000 })
  assert.equal(SUBMISSION_LIMITS, { maxEntries: 1000, maxTotalBytes: 64 * MiB, maxEntryBytes: 32 * MiB })
})

test('a zip bomb that lies about its size is stopped while inflating', () => {
  // Both headers claim 1 KiB; the deflate data expands to 64 MiB of zeros.
  const archive = patch(zip({ ...good, 'solution/bomb.bin': new Uint8Array(64 * MiB) }), 'solution/bomb.bin', { size: 1024 })
  assert.ok(archive.length < MiB, `the bomb is small (${archive.length} bytes)`)
  const before = process.memoryUsage()
  rejects(archive, /entry 'solution\/bomb\.bin' inflates to more than the 1 KiB it declares; the archive is damaged or crafted/)
  const after = process.memoryUsage()
  const grown = after.arrayBuffers + after.heapUsed - (before.arrayBuffers + before.heapUsed)
  assert.ok(grown < 16 * MiB, `memory grew by ${(grown / MiB).toFixed(1)} MiB`)
})

test('a CRC-32 mismatch is rejected', () => {
  const archive = patch(zip({ ...good, 'solution/z.ts': 'export const z = 3\n' }), 'solution/z.ts', { crc: 0x12345678 })
  rejects(archive, /entry 'solution\/z\.ts' fails its CRC-32 check/)
  const stored = patch(zip({ ...good, 'solution/z.ts': [strToU8('stored'), { level: 0 }] }), 'solution/z.ts', { crc: 1 })
  rejects(stored, /entry 'solution\/z\.ts' fails its CRC-32 check/)
})

test('a file that is not a zip gives a clear error', () => {
  const notZip = /^submission\.zip: not a zip archive \(no end-of-central-directory record\); zip the solution folder itself/
  rejects('export default 1\n', notZip)
  rejects('', notZip)
  const whole = zip(good)
  rejects(whole.subarray(0, whole.length - 5), notZip)
})

test('two entries unpacking to the same path are rejected', () => {
  rejects(zip({ 'sol/a.ts': '1', 'sol\\a.ts': '2' }), /entries 'sol\/a\.ts' and 'sol\\a\.ts' unpack to the same path/)
  rejects(zip({ 'A.ts': '1', 'a.ts': '2' }), /entries 'A\.ts' and 'a\.ts' unpack to the same path/)
  rejects(zip({ 'x/./a.ts': '1', 'x/a.ts': '2' }), /unpack to the same path/)
  rejects(zip({ lib: '1', 'lib/x.ts': '2' }), /entries 'lib' and 'lib\/x\.ts' unpack to the same path/)
  rejects(zip({ 'lib/x.ts': '2', lib: '1' }), /entries 'lib\/x\.ts' and 'lib' unpack to the same path/)
})

test('encryption, other compression methods, control characters and zip64 are rejected', () => {
  rejects(patch(zip(good), 'solution/server.ts', { flags: 1 }), /entry 'solution\/server\.ts' is encrypted; zip the solution without a password/)
  rejects(patch(zip(good), 'solution/server.ts', { method: 12 }), /entry 'solution\/server\.ts' uses compression method 12; only stored \(0\) and deflate \(8\)/)
  rejects(zip({ ...good, 'bad\u0000name.ts': '' }), /entry 'bad\\x00name\.ts' has a control character in its name/)
  rejects(zip({ ...good, 'bad\nname.ts': '' }), /entry 'bad\\x0aname\.ts' has a control character/)
  const zip64 = Buffer.from(zip(good))
  zip64.writeUInt32LE(0xffffffff, zip64.length - 22 + 16)
  rejects(zip64, /is a zip64 archive, which is not supported/)
})

test.run()
