// How the runtime scales with the work: the simulation at 3, 8, 60 and 200 nodes (events per
// wall second, worker threads against inline, peak memory), and the torrent swarm (1 seeder, 8
// leechers) on 64 MiB, 256 MiB and 1 GiB files (delivered bytes per wall second, against the
// work's lower bound). Each row runs in a process of its own (bench/scalingRow.ts), so its peak
// memory is its own. `npm run bench scaling`: minutes long, so run only when named. The table
// in docs/performance.md comes from bench/results/scaling.json.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { kleur } from '../lab/format.ts'
import { REPO_ROOT } from '../runtime/index.ts'
import { HOST_TABLE_HEADER, WORKLOADS, hostTableRow, type HostComparison } from './simThroughput.ts'
import type { SyncMeasurement } from './torrentSync.ts'
import { percent, saveResult } from './report.ts'

const NODE_COUNTS = [3, 8, 60, 200]
const FILE_MIB = [64, 256, 1024]

function row<T>(...args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', 'scalingRow.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 })
  return JSON.parse(out.trim().split('\n').at(-1) as string) as T
}

export async function runScalingSuite(): Promise<void> {
  console.log(kleur.bold('simulation: node events per wall second, worker threads vs inline, a process per row'))
  console.log(HOST_TABLE_HEADER)
  const sim: Array<HostComparison & { where: string }> = []
  for (const workload of WORKLOADS) {
    for (const nodes of NODE_COUNTS) {
      const r = row<HostComparison & { where: string }>('sim', workload.name, String(nodes))
      sim.push(r)
      console.log(hostTableRow(r, r.where))
    }
  }
  console.log('')
  console.log(kleur.bold('torrent swarm, 1 seeder → 8 leechers: delivered bytes (8 copies) per wall second'))
  console.log(`${'file'.padStart(9)} ${'wall s'.padStart(7)} ${'virtual s'.padStart(10)} ${'MB/s'.padStart(7)} ${'steps'.padStart(7)} ${'bound/actual'.padStart(13)} ${'peak MiB'.padStart(9)}`)
  const torrent: Array<SyncMeasurement & { peakRssMiB: number; where: string[] }> = []
  for (const mib of FILE_MIB) {
    const m = row<SyncMeasurement & { peakRssMiB: number; where: string[] }>('torrent', String(mib))
    torrent.push(m)
    console.log(`${`${mib} MiB`.padStart(9)} ${(m.wallMs / 1000).toFixed(1).padStart(7)} ${(m.virtualMs / 1000).toFixed(1).padStart(10)} ${(m.bytesPerSecond / 1e6).toFixed(0).padStart(7)} ${String(m.steps).padStart(7)} ${percent(m.ratio, 0.5, 13)} ${String(m.peakRssMiB).padStart(9)}`)
    for (const line of m.where) console.log(kleur.gray(`          ${line}`))
  }
  saveResult('scaling', { sim, torrent })
}
