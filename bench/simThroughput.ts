// Simulation throughput: node events handled per wall second, nodes in worker threads against
// the same node logic inline in one thread, measured in the same run.
import { join } from 'node:path'
import { Cluster, type ClusterOptions, REPO_ROOT, type StepTiming } from '../runtime/index.ts'
import { kleur } from '../lab/format.ts'
import { WORK_MICROS, handoffRoundMicros, workerStartCpuMs } from './threadCosts.ts'
import { percent, saveResult } from './report.ts'

export interface Workload {
  name: string
  /** Virtual ms to run: long enough for a stable rate. */
  duration(nodes: number): number
  options(nodes: number): Pick<ClusterOptions, 'nodes' | 'network'>
}

const module = (name: string): string => join(REPO_ROOT, 'bench', 'nodes', `${name}.ts`)
const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i}`)

export const WORKLOADS: Workload[] = [
  {
    name: 'ping-pong',
    duration: (n) => (n >= 200 ? 100 : n >= 60 ? 400 : 1500),
    options: (n) => ({
      network: { latency: [1, 3] },
      nodes: names(n).map((name, i) => ({ name, module: module('pingpong'), config: { next: `n${(i + 1) % n}`, window: 32 } })),
    }),
  },
  {
    name: 'fan-out',
    duration: (n) => (n >= 200 ? 15 : n >= 60 ? 100 : 1500),
    options: (n) => ({ network: { latency: [1, 3] }, nodes: names(n).map((name) => ({ name, module: module('fanout'), config: { window: n >= 60 ? 1 : 4 } })) }),
  },
]

export interface Measurement {
  workload: string
  nodes: number
  host: 'worker' | 'inline'
  events: number
  /** Average events handed out per step: what batching has to work with. */
  eventsPerStep: number
  wallMs: number
  eventsPerSecond: number
  /** The process's peak resident memory while the nodes ran (sampled every 50 ms), MiB. */
  peakRssMiB: number
  steps: number
  /** Node batches handed to hosts per step: how many threads each step wakes. */
  handoffsPerStep: number
  /** Main-thread wall ms by phase (Cluster's timing option) and the process's CPU ms. */
  timing: StepTiming
  cpuMs: number
}

export async function measure(workload: Workload, nodes: number, host: 'worker' | 'inline'): Promise<Measurement> {
  // The baseline is the fastest honest single thread: nodes of a module share its instance.
  const cluster = await Cluster.start({ ...workload.options(nodes), host, shareModules: host === 'inline', seed: 1, timing: true })
  try {
    await cluster.sleep(20) // warm-up: JIT, first batches
    const before = { ...cluster.stats, timing: { ...(cluster.stats.timing as StepTiming) } }
    const started = performance.now()
    const cpu0 = process.cpuUsage()
    const peak = sampleRss()
    await cluster.sleep(workload.duration(nodes))
    const wallMs = performance.now() - started
    const cpu = process.cpuUsage(cpu0)
    const peakRssMiB = peak.stop()
    const after = cluster.stats
    const events = after.events - before.events
    const steps = Math.max(1, after.steps - before.steps)
    const t = after.timing as StepTiming
    const timing = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v - before.timing[k as keyof StepTiming]])) as unknown as StepTiming
    return {
      workload: workload.name,
      nodes,
      host,
      events,
      eventsPerStep: Math.round((events / steps) * 10) / 10,
      wallMs: Math.round(wallMs),
      eventsPerSecond: Math.round((events / wallMs) * 1000),
      peakRssMiB,
      steps,
      handoffsPerStep: Math.round(((after.dispatches - before.dispatches) / steps) * 10) / 10,
      timing,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    }
  } finally {
    await cluster.stop()
  }
}

const SIZES = [3, 8, 60]

/** The issue-16 targets: worker/inline at least this much, by node count (3: the sparse fan-out). */
const TARGETS: Array<{ workload?: string; nodes: number; minRatio: number }> = [
  { nodes: 8, minRatio: 0.5 },
  { nodes: 60, minRatio: 0.6 },
  { workload: 'fan-out', nodes: 3, minRatio: 0.5 },
]
const targetOf = (workload: string, nodes: number): number | undefined => TARGETS.find((t) => t.nodes === nodes && (t.workload ?? workload) === workload)?.minRatio

/** Peak RSS of this process while it runs, sampled every 50 ms; stop() gives it in MiB. */
export function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50)
  return {
    stop: () => {
      clearInterval(timer)
      return Math.round(Math.max(peak, process.memoryUsage.rss()) / 2 ** 20)
    },
  }
}

/** Both workloads at 3, 8 and 60 nodes, and how each stands against its target (TARGETS). */
export async function runSimSuite(): Promise<void> {
  const rows = await compareHosts(SIZES)
  const targets = TARGETS.map((t) => {
    const hit = rows.filter((r) => r.nodes === t.nodes && (t.workload ?? r.workload) === r.workload)
    return { ...t, met: hit.every((r) => r.ratio >= t.minRatio) }
  })
  for (const t of targets) {
    const what = `${t.workload ?? 'every workload'} at ${t.nodes} nodes: workers at ≥ ${Math.round(t.minRatio * 100)}% of the inline rate`
    console.log(t.met ? kleur.green(`target met: ${what}`) : kleur.red(`target missed: ${what}`))
  }
  const handoff = await compareHandoffs()
  const workerStartMs = await workerStartCpuMs()
  console.log(`a bare worker thread costs ${workerStartMs.toFixed(0)} ms of CPU to start and end (every node incarnation pays at least this)`)
  saveResult('sim-throughput', { targets, rows, handoff, workerStartMs })
}

/** postMessage against an Atomics hand-off (bench/threadCosts.ts), same run, 3, 8 and 20 threads. */
async function compareHandoffs(): Promise<Array<{ threads: number; postMessageMicros: number; atomicsMicros: number }>> {
  console.log('')
  console.log(kleur.bold(`hand-off by postMessage vs by Atomics + receiveMessageOnPort: µs per step of ${WORK_MICROS} µs of work per thread`))
  const out = []
  for (const threads of [3, 8, 20]) {
    const postMessageMicros = await handoffRoundMicros(threads, 'postMessage')
    const atomicsMicros = await handoffRoundMicros(threads, 'atomics')
    out.push({ threads, postMessageMicros, atomicsMicros })
    console.log(`${String(threads).padStart(3)} threads: postMessage ${postMessageMicros.toFixed(0)} µs, Atomics ${atomicsMicros.toFixed(0)} µs (Atomics/postMessage ${(atomicsMicros / postMessageMicros).toFixed(2)})`)
  }
  return out
}

export interface HostComparison {
  workload: string
  nodes: number
  inline: Measurement
  worker: Measurement
  ratio: number
}

/** Every workload at each size, inline then in workers, printed as a table as it goes. */
export async function compareHosts(sizes: number[]): Promise<HostComparison[]> {
  const rows: HostComparison[] = []
  console.log(kleur.bold('simulation throughput: node events per wall second, worker threads vs inline (same run)'))
  console.log(HOST_TABLE_HEADER)
  for (const workload of WORKLOADS) {
    for (const nodes of sizes) {
      const inline = await measure(workload, nodes, 'inline')
      const worker = await measure(workload, nodes, 'worker')
      const row: HostComparison = { workload: workload.name, nodes, inline, worker, ratio: worker.eventsPerSecond / inline.eventsPerSecond }
      rows.push(row)
      console.log(hostTableRow(row, await whereTimeWent(worker)))
    }
  }
  return rows
}

export const HOST_TABLE_HEADER = `${'workload'.padEnd(10)} ${'nodes'.padStart(5)} ${'events/step'.padStart(12)} ${'inline ev/s'.padStart(12)} ${'worker ev/s'.padStart(12)} ${'worker/inline'.padStart(14)} ${'wall s'.padStart(7)} ${'peak MiB'.padStart(9)}`

/** A row of the table under HOST_TABLE_HEADER, with `where` (whereTimeWent) on a gray line below. */
export function hostTableRow(r: HostComparison, where: string): string {
  const w = r.worker
  const shown = percent(r.ratio, targetOf(r.workload, r.nodes), 14)
  const row = `${r.workload.padEnd(10)} ${String(r.nodes).padStart(5)} ${String(w.eventsPerStep).padStart(12)} ${String(r.inline.eventsPerSecond).padStart(12)} ${String(w.eventsPerSecond).padStart(12)} ${shown} ${(w.wallMs / 1000).toFixed(1).padStart(7)} ${String(w.peakRssMiB).padStart(9)}`
  return `${row}\n${kleur.gray(`${' '.repeat(17)}${where}`)}`
}

const floors = new Map<number, number>()

/**
 * Where a worker run's wall time went, in one line: steps × the hand-off floor for as many
 * threads as a step woke (measured here, in the same run), the main thread's waiting, and how
 * busy the cores were.
 */
export async function whereTimeWent(m: Measurement): Promise<string> {
  const threads = Math.max(1, Math.round(m.handoffsPerStep))
  // The bare floor: a postMessage round with no work, fewer rounds (60 threads take ~1.5 ms each).
  if (!floors.has(threads)) floors.set(threads, await handoffRoundMicros(threads, 'postMessage', 0, 400))
  const floor = floors.get(threads) as number
  const floorMs = (m.steps * floor) / 1000
  const share = (ms: number): string => `${Math.round((ms / m.wallMs) * 100)}%`
  return `${m.steps} steps waking ${m.handoffsPerStep} threads each; ${handoffLine(m.timing)}; bare hand-off floor ${floor.toFixed(0)} µs/step = ${share(floorMs)} of the wall; main thread waiting for nodes ${share(m.timing.nodesMs)}; ${(m.cpuMs / m.wallMs).toFixed(2)} cores busy`
}

/** A hand-off's mean µs: to the node's thread, in it, and back to the main thread. */
export function handoffLine(t: StepTiming): string {
  const mean = (ms: number): string => ((ms / Math.max(1, t.handoffs)) * 1000).toFixed(0)
  return `per hand-off ${mean(t.toNodeMs)} µs to the node's thread, ${mean(t.inNodeMs)} µs in it, ${mean(t.backMs)} µs back`
}
