// Wall time of syncing a 256 MiB file from 1 seeder to 8 leechers with the torrent reference,
// next to a lower bound measured in the same run: every node hashes the file once and every
// leecher writes it once, spread over the machine's cores. The ratio (bound / actual) says how
// much of the wall time is the work itself rather than the simulation around it.
import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { kleur } from '../lab/format.ts'
import { Cluster, REPO_ROOT } from '../runtime/index.ts'
import { CHUNK, Content, partDigests } from '../assignments/torrent/setting/content.ts'
import { writeConf, writeData } from '../assignments/torrent/setting/files.ts'
import { SWARM_BANDWIDTH, SWARM_NETWORK } from '../assignments/torrent/setting/network.ts'
import type { RunPlan } from '../assignments/torrent/setting/plan.ts'
import { percent, saveResult } from './report.ts'

const SIZE = 256 << 20
const PART = 256 << 10
const LEECHERS = 8
const SOLUTION = join('assignments', 'torrent', 'solution')
const NODE = join(REPO_ROOT, SOLUTION, 'node.ts')

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

/**
 * The suite. With `against` (a git revision), the reference node of that revision is run first on
 * the same swarm, so a change to the reference is measured before/after in one run.
 */
export async function runSyncSuite(options: { against?: string } = {}): Promise<void> {
  console.log(kleur.bold(`torrent sync: ${SIZE >> 20} MiB from 1 seeder to ${LEECHERS} leechers (reference node, 50 MB/s links), wall time vs a lower bound`))
  const content = new Content('bench', 'sync')
  const parts = partDigests(content, SIZE, PART)
  let before: { wallMs: number; virtualMs: number } | null = null
  if (options.against) {
    const old = checkout(options.against)
    try {
      before = await syncOnce(join(old, 'node.ts'), content, parts, `${options.against}`)
    } finally {
      rmSync(old, { recursive: true, force: true })
    }
  }
  const { wallMs, virtualMs } = await syncOnce(NODE, content, parts, 'now')
  if (before) console.log(`  ${options.against}: wall ${(before.wallMs / 1000).toFixed(1)} s; now: wall ${(wallMs / 1000).toFixed(1)} s; now/before ${(wallMs / before.wallMs).toFixed(2)}×`)
  const { hashMs, writeMs } = workOnce(content)
  const cores = availableParallelism()
  const nodes = LEECHERS + 1
  const boundMs = (nodes * hashMs + LEECHERS * writeMs) / Math.min(cores, nodes)
  const ratio = boundMs / wallMs
  console.log(`\n  wall ${(wallMs / 1000).toFixed(1)} s for ${(virtualMs / 1000).toFixed(1)} s of virtual time; lower bound ${(boundMs / 1000).toFixed(2)} s (hash ${hashMs.toFixed(0)} ms and write ${writeMs.toFixed(0)} ms per node, over ${cores} cores): bound/actual ${percent(ratio)}`)
  saveResult('torrent-sync', {
    size: SIZE,
    partSize: PART,
    leechers: LEECHERS,
    wallMs: Math.round(wallMs),
    virtualMs,
    hashMsPerNode: Math.round(hashMs),
    writeMsPerNode: Math.round(writeMs),
    lowerBoundMs: Math.round(boundMs),
    ratio,
    ...(before ? { against: options.against, againstWallMs: Math.round(before.wallMs), againstVirtualMs: before.virtualMs, nowOverBefore: wallMs / before.wallMs } : {}),
  })
}

/** The torrent reference of a git revision, in a temporary directory (a solution loads from anywhere). */
function checkout(revision: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-bench-ref-'))
  const tar = execFileSync('git', ['archive', revision, SOLUTION], { cwd: REPO_ROOT, maxBuffer: 64 << 20 })
  execFileSync('tar', ['-x', '-C', dir, '--strip-components', String(SOLUTION.split('/').length)], { input: tar })
  return dir
}

/** One sync of the swarm with `module` as every node; wall and virtual ms until all are complete. */
async function syncOnce(module: string, content: Content, parts: string[], label: string): Promise<{ wallMs: number; virtualMs: number }> {
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
    nodes: plan.nodes.map((n) => ({ name: n.name, address: n.address, module, start: false, peers: [] })),
    network: SWARM_NETWORK,
    bandwidth: SWARM_BANDWIDTH,
    stepTimeoutMs: 30_000,
  })
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
        if (done !== shown) process.stdout.write(kleur.gray(`  ${label}: ${(shown = done)}/${names.length} complete after ${((performance.now() - started) / 1000).toFixed(1)} s\r`))
        return done === names.length
      },
      { timeout: plan.limit, what: 'every node complete' },
    )
    const wallMs = performance.now() - started
    process.stdout.write('\n')
    return { wallMs, virtualMs: cluster.now }
  } finally {
    await cluster.stop()
  }
}
