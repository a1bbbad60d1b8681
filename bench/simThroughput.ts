// Simulation throughput: node events handled per wall second, nodes in worker threads against
// the same node logic inline in one thread, measured in the same run.
import { join } from 'node:path'
import { Cluster, type ClusterOptions, REPO_ROOT } from '../runtime/index.ts'
import { kleur } from '../lab/format.ts'
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
    duration: (n) => (n >= 60 ? 400 : 1500),
    options: (n) => ({
      network: { latency: [1, 3] },
      nodes: names(n).map((name, i) => ({ name, module: module('pingpong'), config: { next: `n${(i + 1) % n}`, window: 32 } })),
    }),
  },
  {
    name: 'fan-out',
    duration: (n) => (n >= 60 ? 100 : 1500),
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
}

export async function measure(workload: Workload, nodes: number, host: 'worker' | 'inline'): Promise<Measurement> {
  // The baseline is the fastest honest single thread: nodes of a module share its instance.
  const cluster = await Cluster.start({ ...workload.options(nodes), host, shareModules: host === 'inline', seed: 1 })
  try {
    await cluster.sleep(20) // warm-up: JIT, first batches
    const events0 = cluster.stats.events
    const steps0 = cluster.stats.steps
    const started = performance.now()
    await cluster.sleep(workload.duration(nodes))
    const wallMs = performance.now() - started
    const events = cluster.stats.events - events0
    const eventsPerStep = Math.round((events / Math.max(1, cluster.stats.steps - steps0)) * 10) / 10
    return { workload: workload.name, nodes, host, events, eventsPerStep, wallMs: Math.round(wallMs), eventsPerSecond: Math.round((events / wallMs) * 1000) }
  } finally {
    await cluster.stop()
  }
}

const SIZES = [3, 8, 60]

/** Every workload at 3, 8 and 60 nodes; the target: with 8 nodes, workers at ≥ 50% of inline. */
export async function runSimSuite(): Promise<void> {
  const rows: Array<{ workload: string; nodes: number; inline: Measurement; worker: Measurement; ratio: number }> = []
  console.log(kleur.bold('simulation throughput: node events per wall second, worker threads vs inline (same run)'))
  console.log(`${'workload'.padEnd(10)} ${'nodes'.padStart(5)} ${'events/step'.padStart(12)} ${'inline ev/s'.padStart(12)} ${'worker ev/s'.padStart(12)} ${'worker/inline'.padStart(14)}`)
  for (const workload of WORKLOADS) {
    for (const nodes of SIZES) {
      const inline = await measure(workload, nodes, 'inline')
      const worker = await measure(workload, nodes, 'worker')
      const ratio = worker.eventsPerSecond / inline.eventsPerSecond
      rows.push({ workload: workload.name, nodes, inline, worker, ratio })
      const shown = percent(ratio, nodes === 8 ? 0.5 : undefined, 14)
      console.log(`${workload.name.padEnd(10)} ${String(nodes).padStart(5)} ${String(worker.eventsPerStep).padStart(12)} ${String(inline.eventsPerSecond).padStart(12)} ${String(worker.eventsPerSecond).padStart(12)} ${shown}`)
    }
  }
  const met = rows.filter((r) => r.nodes === 8).every((r) => r.ratio >= 0.5)
  console.log(met ? kleur.green('target met: with 8 nodes, workers run at ≥ 50% of the inline rate') : kleur.red('target missed: with 8 nodes, workers run below 50% of the inline rate'))
  saveResult('sim-throughput', { target: { nodes: 8, minRatio: 0.5, met }, rows })
}
