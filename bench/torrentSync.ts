// Wall time of syncing a 256 MiB file from 1 seeder to 8 leechers with the torrent reference,
// next to a lower bound measured in the same run: every node hashes the file once and every
// leecher writes it once, spread over the machine's cores. The ratio (bound / actual) says how
// much of the wall time is the work itself rather than the simulation around it.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { kleur } from '../lab/format.ts'
import { Cluster } from '../runtime/index.ts'
import { REPO_ROOT } from '../runtime/build/compileModule.ts'
import { CHUNK, Content, partDigests } from '../graders/torrent/content.ts'
import { writeConf, writeData } from '../graders/torrent/files.ts'
import type { RunPlan } from '../graders/torrent/plans.ts'
import { SWARM_BANDWIDTH, SWARM_NETWORK } from '../graders/torrent/swarm.ts'
import { percent, saveResult } from './report.ts'

const SIZE = 256 << 20
const PART = 256 << 10
const LEECHERS = 8
const NODE = join(REPO_ROOT, 'assignments', 'torrent', 'solution', 'node.ts')

/** ms to hash SIZE bytes in PART parts and to write them to a file, on one core. */
function workOnce(content: Content): { hashMs: number; writeMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-bench-'))
  try {
    let hashMs = 0
    let writeMs = 0
    const fd = openSync(join(dir, 'data.bin'), 'w')
    for (let offset = 0; offset < SIZE; offset += CHUNK) {
      const chunk = content.read(offset, CHUNK)
      let t = performance.now()
      for (let p = 0; p < chunk.length; p += PART) createHash('sha1').update(chunk.subarray(p, p + PART)).digest()
      hashMs += performance.now() - t
      t = performance.now()
      writeSync(fd, chunk, 0, chunk.length, offset)
      writeMs += performance.now() - t
    }
    closeSync(fd)
    return { hashMs, writeMs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function runSyncSuite(): Promise<void> {
  console.log(kleur.bold(`torrent sync: ${SIZE >> 20} MiB from 1 seeder to ${LEECHERS} leechers (reference node, 50 MB/s links), wall time vs a lower bound`))
  const content = new Content('bench', 'sync')
  const parts = partDigests(content, SIZE, PART)
  const names = Array.from({ length: LEECHERS + 1 }, (_, i) => `node0${i}`)
  const addresses = names.map((_, i) => `10.0.9.${i + 1}`)
  const plan: RunPlan = {
    label: 'bench',
    size: SIZE,
    partSize: PART,
    limit: 600_000,
    nodes: names.map((name, i) => ({ name, address: addresses[i] as string, peers: addresses, info: true, data: i === 0 ? { kind: 'whole' } : { kind: 'absent' } })),
  }
  const cluster = await Cluster.start({
    nodes: plan.nodes.map((n) => ({ name: n.name, address: n.address, module: NODE, start: false, peers: [] })),
    network: SWARM_NETWORK,
    bandwidth: SWARM_BANDWIDTH,
    stepTimeoutMs: 30_000,
  })
  let wallMs = 0
  let virtualMs = 0
  try {
    for (const node of plan.nodes) {
      writeConf(cluster.dataDir(node.name), node, plan, parts)
      writeData(cluster.dataDir(node.name), node, plan, { reference: content, garbage: () => content, parts })
    }
    const started = performance.now()
    for (const name of names) cluster.start(name)
    let shown = 0
    await cluster.until(
      () => {
        const done = names.filter((n) => cluster.node(n).console.includes('complete')).length
        if (done !== shown) process.stdout.write(kleur.gray(`  ${(shown = done)}/${names.length} complete after ${((performance.now() - started) / 1000).toFixed(1)} s\r`))
        return done === names.length
      },
      { timeout: plan.limit, what: 'every node complete' },
    )
    wallMs = performance.now() - started
    virtualMs = cluster.now
  } finally {
    await cluster.stop()
  }
  const { hashMs, writeMs } = workOnce(content)
  const cores = availableParallelism()
  const boundMs = ((names.length * hashMs + LEECHERS * writeMs) / Math.min(cores, names.length))
  const ratio = boundMs / wallMs
  console.log(`\n  wall ${(wallMs / 1000).toFixed(1)} s for ${(virtualMs / 1000).toFixed(1)} s of virtual time; lower bound ${(boundMs / 1000).toFixed(2)} s (hash ${hashMs.toFixed(0)} ms and write ${writeMs.toFixed(0)} ms per node, over ${cores} cores): bound/actual ${percent(ratio)}`)
  saveResult('torrent-sync', { size: SIZE, partSize: PART, leechers: LEECHERS, wallMs: Math.round(wallMs), virtualMs, hashMsPerNode: Math.round(hashMs), writeMsPerNode: Math.round(writeMs), lowerBoundMs: Math.round(boundMs), ratio })
}
