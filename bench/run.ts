// `npm run bench`: speed as ratios against a baseline measured in the same run, printed and saved
// as JSON under bench/results/. Not part of `npm test`: tests assert correctness only.
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from '../runtime/build/compileModule.ts'
import { kleur } from '../lab/format.ts'
import { WORKLOADS, measure, type Measurement } from './simThroughput.ts'

const SIZES = [3, 8, 60]
const rows: Array<{ workload: string; nodes: number; inline: Measurement; worker: Measurement; ratio: number }> = []

console.log(kleur.bold('simulation throughput: node events per wall second, worker threads vs inline (same run)'))
console.log(kleur.gray(`${cpus()[0]?.model ?? 'cpu'} · ${availableParallelism()} cores · node ${process.version}`))
console.log(`${'workload'.padEnd(10)} ${'nodes'.padStart(5)} ${'events/step'.padStart(12)} ${'inline ev/s'.padStart(12)} ${'worker ev/s'.padStart(12)} ${'worker/inline'.padStart(14)}`)
for (const workload of WORKLOADS) {
  for (const nodes of SIZES) {
    const inline = await measure(workload, nodes, 'inline')
    const worker = await measure(workload, nodes, 'worker')
    const ratio = worker.eventsPerSecond / inline.eventsPerSecond
    rows.push({ workload: workload.name, nodes, inline, worker, ratio })
    const shown = `${(ratio * 100).toFixed(0)}%`.padStart(14)
    console.log(`${workload.name.padEnd(10)} ${String(nodes).padStart(5)} ${String(worker.eventsPerStep).padStart(12)} ${String(inline.eventsPerSecond).padStart(12)} ${String(worker.eventsPerSecond).padStart(12)} ${nodes === 8 ? (ratio >= 0.5 ? kleur.green(shown) : kleur.red(shown)) : shown}`)
  }
}
const eight = rows.filter((r) => r.nodes === 8)
const met = eight.every((r) => r.ratio >= 0.5)
console.log(met ? kleur.green('target met: with 8 nodes, workers run at ≥ 50% of the inline rate') : kleur.red('target missed: with 8 nodes, workers run below 50% of the inline rate'))
const dir = join(REPO_ROOT, 'bench', 'results')
mkdirSync(dir, { recursive: true })
const file = join(dir, 'sim-throughput.json')
writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, cores: availableParallelism(), target: { nodes: 8, minRatio: 0.5, met }, rows }, null, 2)}\n`)
console.log(kleur.gray(`saved ${file}`))
