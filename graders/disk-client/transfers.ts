// upload and download (the seed's extra credit, 4 points, spec.md rules 10-14): the bytes arrive
// whole and verified, nothing is overwritten unasked, a broken transfer is retried and never
// leaves a partial file, and large files stream in bounded memory.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GraderTest } from '../harness/defineGrader.ts'
import type { TestContext } from '../harness/TestContext.ts'
import { EXIT, Session, filesIn, show, outcome } from './session.ts'

/** Deterministic bytes of a given size (a test's local file). */
function bytes(size: number, salt: number): Uint8Array {
  const out = new Uint8Array(size)
  let x = salt * 2654435761
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}
/** The client's first back-off before trying a transfer again (spec rule 8). */
const BACKOFF_MS = 250
const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex')

export const upload: GraderTest = {
  name: 'upload',
  title: 'upload puts a local file on the Disk byte for byte (md5 and sha256 as the service computes them), refuses to overwrite unasked, and names a missing local file',
  points: 1,
  async run(t) {
    const s = await Session.start(t)
    const data = bytes(3 * 256 * 1024 + 777, 1)
    const done = await s.run(['upload', 'photo.jpg', '/photo.jpg'], { files: { 'photo.jpg': data } })
    t.equal(outcome(done), { code: EXIT.ok, lines: [`uploaded photo.jpg -> disk:/photo.jpg (${data.length} bytes)`] }, "'upload photo.jpg /photo.jpg' says so and exits 0")
    const meta = await s.meta('disk:/photo.jpg')
    t.check(meta?.size === data.length && meta?.md5 === md5(data), "the Disk has the file, with the local file's size and md5", JSON.stringify(meta))
    const other = bytes(1000, 2)
    const clash = await s.run(['upload', 'photo.jpg', '/photo.jpg'], { files: { 'photo.jpg': other } })
    t.equal(outcome(clash), { code: EXIT.exists, lines: ['already exists: disk:/photo.jpg (use --overwrite)'] }, 'uploading onto an existing file without --overwrite is refused (exit 4)')
    t.check((await s.meta('disk:/photo.jpg'))?.md5 === md5(data), 'and the file on the Disk is unchanged')
    const forced = await s.run(['upload', 'photo.jpg', '/photo.jpg', '--overwrite'], { files: { 'photo.jpg': other } })
    t.check(forced.code === EXIT.ok && (await s.meta('disk:/photo.jpg'))?.md5 === md5(other), 'with --overwrite it replaces it', show(forced))
    const missing = await s.run(['upload', 'nope.bin', '/nope.bin'])
    t.check(missing.code === EXIT.local && /nope\.bin/.test(missing.lines[0] ?? '') && (await s.meta('disk:/nope.bin')) === null, 'a missing local file: one line naming it, exit 7, nothing on the Disk', show(missing))
  },
}

export const download: GraderTest = {
  name: 'download',
  title: 'download writes the Disk file locally byte for byte, refuses to overwrite a local file unasked, and leaves no file for a missing one',
  points: 1,
  async run(t) {
    const s = await Session.start(t)
    const data = bytes(2 * 256 * 1024 + 5, 3)
    const up = await s.run(['upload', 'src.bin', '/data.bin'], { files: { 'src.bin': data } })
    t.equal(up.code, EXIT.ok, 'a file is uploaded first')
    const got = await s.run(['download', '/data.bin', 'copy.bin'])
    t.check(got.code === EXIT.ok && got.lines.length === 1, "'download /data.bin copy.bin' prints one line and exits 0", show(got))
    t.check(existsSync(join(got.dir, 'copy.bin')) && md5(readFileSync(join(got.dir, 'copy.bin'))) === md5(data), 'the local file is the Disk file, byte for byte')
    t.equal(filesIn(got.dir), ['copy.bin'], 'and it is the only file the client left')
    const clash = await s.run(['download', '/data.bin', 'mine.txt'], { files: { 'mine.txt': 'my own' } })
    t.check(clash.code === EXIT.local && readFileSync(join(clash.dir, 'mine.txt'), 'utf8') === 'my own', 'downloading onto an existing local file without --overwrite is refused (exit 7) and the file is unchanged', show(clash))
    await s.mkdir('disk:/folder')
    const folder = await s.run(['download', '/folder', 'folder.bin'])
    t.equal(outcome(folder), { code: EXIT.refused, lines: ['not a file: disk:/folder'] }, "a folder is not downloaded: 'not a file: disk:/folder', exit 5")
    const escape = await s.run(['download', '/data.bin', '../escape.bin'])
    t.check(escape.code === EXIT.local && escape.lines.length === 1, 'a local name that leads outside the client directory: one line, exit 7', show(escape))
    const missing = await s.run(['download', '/nothing.bin', 'nothing.bin'])
    t.check(missing.code === EXIT.notFound && filesIn(missing.dir).length === 0, "a missing Disk file: 'not found', exit 3, and no local file at all", `${show(missing)}; files: ${filesIn(missing.dir).join(', ')}`)
  },
}

export const brokenTransfers: GraderTest = {
  name: 'broken-transfers',
  title: 'A transfer reset mid-body, answered 503 or stalled for 10 s is tried again after a back-off to a complete file; one that never works ends with exit 6 and no file left; an upload over the quota is refused',
  points: 1,
  timeLimit: 300_000,
  async run(t) {
    const s = await Session.start(t, { faults: 'reset-download@1:300000,reset-upload@1:300000,503@upload#3,503@download#3' })
    const data = bytes(4 * 256 * 1024, 4)
    const up = await s.run(['upload', 'big.bin', '/big.bin'], { files: { 'big.bin': data } })
    t.check(up.code === EXIT.ok && (await s.meta('disk:/big.bin'))?.md5 === md5(data), 'an upload cut after 300 KB is tried again and the Disk ends with the whole file', show(up))
    t.check(up.ms >= BACKOFF_MS && up.ms <= BACKOFF_MS + 150, `after a back-off of ${BACKOFF_MS} ms (took ${up.ms} ms)`, show(up))
    const down = await s.run(['download', '/big.bin', 'big.bin'])
    t.check(down.code === EXIT.ok && md5(readFileSync(join(down.dir, 'big.bin'))) === md5(data), 'a download cut after 300 KB is tried again and the local file is whole', show(down))
    t.check(down.ms >= BACKOFF_MS && down.ms <= BACKOFF_MS + 150, `after a back-off of ${BACKOFF_MS} ms (took ${down.ms} ms)`, show(down))
    t.equal(filesIn(down.dir), ['big.bin'], 'and no partial file is left beside it')
    const up503 = await s.run(['upload', 'again.bin', '/again.bin'], { files: { 'again.bin': data } })
    t.check(up503.code === EXIT.ok && up503.ms >= BACKOFF_MS && up503.ms <= BACKOFF_MS + 150 && (await s.meta('disk:/again.bin'))?.md5 === md5(data), `an upload the service answers 503 is tried again at once, after a back-off (took ${up503.ms} ms)`, show(up503))
    const down503 = await s.run(['download', '/again.bin', 'again.bin'])
    t.check(down503.code === EXIT.ok && down503.ms >= BACKOFF_MS && down503.ms <= BACKOFF_MS + 150 && md5(readFileSync(join(down503.dir, 'again.bin'))) === md5(data), `a download the service answers 503 is tried again after a back-off (took ${down503.ms} ms)`, show(down503))
    const never = await Session.start(t, { faults: 'reset-download@*:100000,reset-upload@2+:100000' })
    const up2 = await never.run(['upload', 'big.bin', '/big.bin'], { files: { 'big.bin': data } })
    t.equal(up2.code, EXIT.ok, 'on a service whose downloads always break, a file is uploaded')
    const broken = await never.run(['download', '/big.bin', 'big.bin'])
    t.check(broken.code === EXIT.unavailable && broken.lines.length === 1, 'a download that always breaks: one line, exit 6', show(broken))
    t.equal(filesIn(broken.dir), [], 'and nothing at all is left in the directory: no partial file, no temporary file')
    const upBroken = await never.run(['upload', 'big.bin', '/other.bin'], { files: { 'big.bin': data } })
    t.check(upBroken.code === EXIT.unavailable && (await never.meta('disk:/other.bin')) === null, 'an upload that always breaks: exit 6 after its tries, and nothing on the Disk', show(upBroken))
    await stalled(t)
  },
}

/** Transfers that stall or cannot fit: part of broken-transfers. */
async function stalled(t: TestContext): Promise<void> {
  const s = await Session.start(t, { faults: 'delay@download#1:30000' })
  const data = bytes(2 * 256 * 1024, 6)
  t.equal((await s.run(['upload', 'slow.bin', '/slow.bin'], { files: { 'slow.bin': data } })).code, EXIT.ok, 'a file is uploaded')
  const slow = await s.run(['download', '/slow.bin', 'slow.bin'])
  t.check(slow.code === EXIT.ok && slow.ms >= 10_000 && slow.ms <= 11_000 && md5(readFileSync(join(slow.dir, 'slow.bin'))) === md5(data), `a download whose body would start after 30 s is abandoned after 10 s without progress and tried again, whole (took ${slow.ms} ms)`, show(slow))
  const dead = await Session.start(t, { faults: 'delay@download#*:30000' })
  t.equal((await dead.run(['upload', 'slow.bin', '/slow.bin'], { files: { 'slow.bin': data } })).code, EXIT.ok, 'on a service whose downloads never start, a file is uploaded')
  const never = await dead.run(['download', '/slow.bin', 'slow.bin'])
  t.check(never.code === EXIT.unavailable && /^service unavailable/.test(never.lines[0] ?? '') && filesIn(never.dir).length === 0, 'a download that never makes progress: 5 tries, one line, exit 6, no file left', show(never))
  const small = await Session.start(t, { quota: 1024 * 1024 })
  const over = await small.run(['upload', 'big.bin', '/big.bin'], { files: { 'big.bin': bytes(2 * 1024 * 1024, 7) } })
  t.check(over.code === EXIT.refused && /^out of space/.test(over.lines[0] ?? '') && (await small.meta('disk:/big.bin')) === null, "an upload over the Disk's quota: 'out of space: …', exit 5, nothing stored", show(over))
}

export const largeFiles: GraderTest = {
  name: 'large-files',
  title: 'A 32 MiB upload and download stream through a client that may hold only 12 MiB of buffers',
  points: 1,
  wallLimit: 60_000,
  async run(t) {
    const s = await Session.start(t, { storage: 'dir', limits: { buffersMb: 12 } })
    const data = bytes(32 * 1024 * 1024, 5)
    const up = await s.run(['upload', 'large.bin', '/large.bin'], { files: { 'large.bin': data } })
    t.check(up.code === EXIT.ok && (await s.meta('disk:/large.bin'))?.md5 === md5(data), 'the 32 MiB upload completes, whole, without the client holding the file in memory', show(up))
    const down = await s.run(['download', '/large.bin', 'large.bin'])
    t.check(down.code === EXIT.ok && md5(readFileSync(join(down.dir, 'large.bin'))) === md5(data), 'the 32 MiB download completes, whole, the same way', show(down))
  },
}
