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
import { Cluster, REPO_ROOT, type StepTiming } from '../runtime/index.ts'
import { CHUNK, Content, partDigests } from '../assignments/torrent/setting/content.ts'
import { writeConf, writeData } from '../assignments/torrent/setting/files.ts'
import { SWARM_BANDWIDTH, SWARM_NETWORK } from '../assignments/torrent/setting/network.ts'
import type { RunPlan } from '../assignments/torrent/setting/plan.ts'
import { percent, saveResult } from './report.ts'
import { handoffLine } from './simThroughput.ts'

const SIZE = 256 << 20
const PART = 256 << 10
const LEECHERS = 8
const SOLUTION = join('assignments', 'torrent', 'solution')
const NODE = join(REPO_ROOT, SOLUTION, 'node.ts')

/** ms to hash `size` bytes in PART parts and to write them to a file, on one core. */
function workOnce(content: Content, size: number): { hashMs: number; writeMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-bench-'))
  try {
    let hashMs = 0
    let writeMs = 0
    const fd = openSync(join(dir, 'data.bin'), 'w')
    for (let offset = 0; offset < size; offset += CHUNK) {
      const chunk = content.read(offset, Math.min(CHUNK, size - offset))
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

/** One measured sync: the run, its lower bound measured right after it, and where the time went. */
export interface SyncMeasurement extends SyncRun {
  size: number
  hashMsPerNode: number
  writeMsPerNode: number
  lowerBoundMs: number
  /** lower bound / wall: 1 would be the work alone. */
  ratio: number
  /** Delivered file bytes (every leecher's copy) per wall second. */
  bytesPerSecond: number
}

/** Syncs `size` bytes 1 → LEECHERS with the reference, then measures the work's lower bound. */
export async function measureSync(size: number, label = 'now', module = NODE): Promise<SyncMeasurement> {
  const content = new Content('bench', 'sync')
  const parts = partDigests(content, size, PART)
  const run = await syncOnce(module, content, parts, label, size)
  const { hashMs, writeMs } = workOnce(content, size)
  const cores = availableParallelism()
  const nodes = LEECHERS + 1
  const boundMs = (nodes * hashMs + LEECHERS * writeMs) / Math.min(cores, nodes)
  return {
    ...run,
    size,
    hashMsPerNode: Math.round(hashMs),
    writeMsPerNode: Math.round(writeMs),
    lowerBoundMs: Math.round(boundMs),
    ratio: boundMs / run.wallMs,
    bytesPerSecond: Math.round((size * LEECHERS) / (run.wallMs / 1000)),
  }
}

/** Where a sync's wall time went, in lines: the main thread's phases and the process's CPU. */
export function describeSync(m: SyncMeasurement): string[] {
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
  const share = (ms: number): string => `${Math.round((ms / m.wallMs) * 100)}%`
  const t = m.timing
  return [
    `wall ${s(m.wallMs)} for ${s(m.virtualMs)} of virtual time; lower bound ${s(m.lowerBoundMs)} (hash ${m.hashMsPerNode} ms and write ${m.writeMsPerNode} ms per node, over ${availableParallelism()} cores): bound/actual ${percent(m.ratio, 0.5)}`,
    `${m.steps} steps, ${m.dispatches} hand-offs to node threads (${(m.dispatches / m.steps).toFixed(1)} per step), ${m.events} node events; ${(m.wallMs / m.steps).toFixed(2)} ms of wall per step`,
    handoffLine(t),
    `main thread: handing batches over ${s(t.postMs)} (${share(t.postMs)}), waiting for the nodes ${s(t.nodesMs)} (${share(t.nodesMs)}), applying their effects ${s(t.applyMs)} (${share(t.applyMs)})`,
    `process CPU: ${s(m.cpu.userMs)} user + ${s(m.cpu.systemMs)} system = ${((m.cpu.userMs + m.cpu.systemMs) / m.wallMs).toFixed(2)} cores busy on average, against ${s(m.lowerBoundMs * availableParallelism())} of CPU for the work itself`,
  ]
}

/**
 * The suite. With `against` (a git revision), the reference node of that revision is run first on
 * the same swarm, so a change to the reference is measured before/after in one run.
 */
export async function runSyncSuite(options: { against?: string } = {}): Promise<void> {
  console.log(kleur.bold(`torrent sync: ${SIZE >> 20} MiB from 1 seeder to ${LEECHERS} leechers (reference node, 50 MB/s links), wall time vs a lower bound`))
  let before: SyncMeasurement | null = null
  if (options.against) {
    const old = checkout(options.against)
    try {
      before = await measureSync(SIZE, options.against, join(old, 'node.ts'))
    } finally {
      rmSync(old, { recursive: true, force: true })
    }
  }
  const now = await measureSync(SIZE)
  if (before) console.log(`  ${options.against}: wall ${(before.wallMs / 1000).toFixed(1)} s; now: wall ${(now.wallMs / 1000).toFixed(1)} s; now/before ${(now.wallMs / before.wallMs).toFixed(2)}×`)
  console.log('')
  for (const line of describeSync(now)) console.log(`  ${line}`)
  saveResult('torrent-sync', {
    partSize: PART,
    leechers: LEECHERS,
    target: { minRatio: 0.5, met: now.ratio >= 0.5 },
    ...now,
    wallMs: Math.round(now.wallMs),
    ...(before ? { against: options.against, againstWallMs: Math.round(before.wallMs), againstVirtualMs: before.virtualMs, nowOverBefore: now.wallMs / before.wallMs } : {}),
  })
}

/** The torrent reference of a git revision, in a temporary directory (a solution loads from anywhere). */
function checkout(revision: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-bench-ref-'))
  const tar = execFileSync('git', ['archive', revision, SOLUTION], { cwd: REPO_ROOT, maxBuffer: 64 << 20 })
  execFileSync('tar', ['-x', '-C', dir, '--strip-components', String(SOLUTION.split('/').length)], { input: tar })
  return dir
}

export interface SyncRun {
  wallMs: number
  virtualMs: number
  /** Node events handled, steps taken and hand-offs to the nodes' threads. */
  events: number
  steps: number
  dispatches: number
  /** Where the main thread's wall time went (Cluster's `timing` option). */
  timing: StepTiming
  /** This process's CPU time (every thread: main and nodes) during the sync. */
  cpu: { userMs: number; systemMs: number }
}

/** One sync of a `size`-byte file with `module` as every node; wall and virtual ms until all are complete. */
async function syncOnce(module: string, content: Content, parts: string[], label: string, size = SIZE): Promise<SyncRun> {
  const names = Array.from({ length: LEECHERS + 1 }, (_, i) => `node0${i}`)
  const addresses = names.map((_, i) => `10.0.9.${i + 1}`)
  const plan: RunPlan = {
    label: 'bench',
    size,
    partSize: PART,
    limit: 600_000,
    nodes: names.map((name, i) => ({ name, address: addresses[i] as string, peers: addresses, info: true, data: i === 0 ? { kind: 'whole' } : { kind: 'absent' } })),
  }
  const cluster = await Cluster.start({
    nodes: plan.nodes.map((n) => ({ name: n.name, address: n.address, module, start: false, peers: [] })),
    network: SWARM_NETWORK,
    bandwidth: SWARM_BANDWIDTH,
    stepTimeoutMs: 30_000,
    timing: true,
  })
  try {
    for (const node of plan.nodes) {
      writeConf(cluster.dataDir(node.name), node, plan, parts)
      writeData(cluster.dataDir(node.name), node, plan, { reference: content, garbage: () => content, parts })
    }
    const started = performance.now()
    const cpu0 = process.cpuUsage()
    for (const name of names) cluster.start(name)
    let shown = 0
    await cluster.until(
      () => {
        const done = names.filter((n) => cluster.node(n).console.includes('complete')).length
        // A live line on a terminal only (piped, the \r lines would pile up).
        if (done !== shown && process.stderr.isTTY) process.stderr.write(kleur.gray(`  ${label}: ${(shown = done)}/${names.length} complete after ${((performance.now() - started) / 1000).toFixed(1)} s\r`))
        return done === names.length
      },
      { timeout: plan.limit, what: 'every node complete' },
    )
    const wallMs = performance.now() - started
    const cpu = process.cpuUsage(cpu0)
    if (process.stderr.isTTY) process.stderr.write('\n')
    const stats = cluster.stats
    return {
      wallMs,
      virtualMs: cluster.now,
      events: stats.events,
      steps: stats.steps,
      dispatches: stats.dispatches,
      timing: { ...(stats.timing as StepTiming) },
      cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
    }
  } finally {
    await cluster.stop()
  }
}
