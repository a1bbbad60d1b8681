// Torn writes: with `tornWrites`, a crash right after a write leaves only a seeded prefix of whole
// pages of it on disk, the same on every run of the seed, in workers and inline; a write that is
// old, synced, or made in a run without the option is never torn.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { isDistlabError, type Cluster, type ClusterOptions, type TraceRecord } from '../../runtime/index.ts'
import { runsOf } from '../fixtures/nodes/diskWriter.ts'
import { fixture, rejection, withCluster } from '../helpers.ts'

const test = suite('torn writes')
const PAGE = 4096
const OLD = 0xaa
const NEW = 0xbb

interface Outcome {
  runs: string
  torn: Array<TraceRecord & { kind: 'disk.torn' }>
  console: string[]
}

/** Writes `length` NEW bytes at `offset` over a file of `size` OLD bytes, waits `after` ms, crashes, restarts. */
async function crashAfterWrite(options: Partial<ClusterOptions> & { size?: number; offset?: number; length?: number; after?: number; sync?: boolean; remove?: boolean; tear?: boolean } = {}): Promise<Outcome> {
  const { size = 16 * PAGE, offset = PAGE + 100, length = 5 * PAGE, after = 0, sync, remove, tear, ...cluster } = options
  return withCluster({ nodes: [{ name: 'w', module: fixture('diskWriter'), start: false }], network: { latency: 1 }, tornWrites: true, trace: { memory: true }, ...cluster }, async (c: Cluster) => {
    writeFileSync(join(c.dataDir('w'), 'data.bin'), new Uint8Array(size).fill(OLD))
    c.start('w')
    await c.client('g').call('w', { type: 'WRITE', offset, length, byte: NEW, sync, remove }, { timeout: 10 })
    if (after) await c.sleep(after)
    c.crash('w', tear === undefined ? {} : { tear })
    c.restart('w')
    await c.sleep(1)
    await c.tornWritesOnDisk()
    const torn = c.records.filter((r): r is TraceRecord & { kind: 'disk.torn' } => r.kind === 'disk.torn')
    const file = join(c.dataDir('w'), 'data.bin')
    return { runs: existsSync(file) ? runsOf(readFileSync(file)) : 'no file', torn, console: [...c.node('w').console] }
  })
}

/** What the file must hold when the first `kept` bytes of the write reached the disk. */
function expected(size: number, offset: number, length: number, kept: number): string {
  const bytes = new Uint8Array(size).fill(OLD)
  bytes.fill(NEW, offset, offset + kept)
  return runsOf(bytes)
}

test('a crash right after a write keeps a page-aligned prefix of it, and the next incarnation sees that', async () => {
  const seen = new Set<number>()
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const out = await crashAfterWrite({ seed })
    assert.is(out.torn.length, 1, `seed ${seed}: one disk.torn record`)
    const record = out.torn[0]!
    assert.equal([record.file, record.offset, record.length], ['data.bin', PAGE + 100, 5 * PAGE])
    const cut = record.offset + record.kept
    assert.ok(record.kept === 0 || cut % PAGE === 0, `seed ${seed}: kept ${record.kept} ends on a page boundary`)
    assert.ok(record.kept < record.length, 'something was torn')
    assert.is(out.runs, expected(16 * PAGE, PAGE + 100, 5 * PAGE, record.kept), `seed ${seed}`)
    assert.is(out.console.at(-1), `at start: ${out.runs}`, 'the restarted node read the torn file')
    seen.add(record.kept)
  }
  assert.ok(seen.size >= 3, `the kept prefix follows the seed (saw ${[...seen].join(', ')})`)
})

test('the same seed tears the same way, in workers and inline', async () => {
  const a = await crashAfterWrite({ seed: 9 })
  const b = await crashAfterWrite({ seed: 9 })
  const inline = await crashAfterWrite({ seed: 9, host: 'inline' })
  assert.equal(b.torn.map((r) => r.kept), a.torn.map((r) => r.kept))
  assert.is(b.runs, a.runs)
  assert.equal(inline.torn.map((r) => r.kept), a.torn.map((r) => r.kept))
  assert.is(inline.runs, a.runs)
})

test('a write that extended the file is cut back to what reached the disk', async () => {
  const out = await crashAfterWrite({ seed: 3, size: 2 * PAGE, offset: PAGE, length: 4 * PAGE })
  const kept = out.torn[0]!.kept
  const bytes = new Uint8Array(Math.max(2 * PAGE, PAGE + kept)).fill(OLD)
  bytes.fill(NEW, PAGE, PAGE + kept)
  assert.is(out.runs, runsOf(bytes))
})

test('old writes, synced writes, crashes told not to tear, and runs without the option keep every byte', async () => {
  const whole = expected(16 * PAGE, PAGE + 100, 5 * PAGE, 5 * PAGE)
  for (const [why, options] of [
    ['older than withinMs', { after: 1001 }],
    ['older than a custom withinMs', { after: 2, tornWrites: { withinMs: 1 } }],
    ['synced', { sync: true }],
    ['crash(name, { tear: false })', { tear: false }],
    ['tornWrites off', { tornWrites: false }],
  ] as const) {
    const out = await crashAfterWrite({ seed: 1, ...options })
    assert.is(out.torn.length, 0, why)
    assert.is(out.runs, whole, why)
  }
})

test('a torn write to a file the node has removed since leaves nothing behind and the run goes on', async () => {
  for (const host of ['worker', 'inline'] as const) {
    const out = await crashAfterWrite({ seed: 1, remove: true, host })
    assert.is(out.torn.length, 1, host)
    assert.is(out.runs, 'no file', host)
    assert.is(out.console.at(-1), 'at start: no file', host)
  }
})

test('a bad tornWrites option is refused with what to write instead', async () => {
  const err = await rejection(withCluster({ nodes: [], tornWrites: { withinMs: -1 } }, async () => {}))
  assert.ok(isDistlabError(err, 'BAD_INPUT'))
  assert.match(err.message, /options\.tornWrites must be true, false or \{ withinMs/)
})

test.run()
