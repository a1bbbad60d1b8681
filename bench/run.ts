// `npm run bench [sim|sync|scaling|sandbox|disk ...]`: speed as ratios against a baseline measured in the same
// run, printed and saved as JSON under bench/results/. Not part of `npm test`: tests assert
// correctness only. With no suite named, all but scaling (minutes long) run. `npm run bench sync -- --against REV` measures
// the torrent reference of git revision REV in the same run, before the current one.
// `npm run bench disk -- --size MiB` sends a file of that size (default 256) through disk-client.
import { kleur } from '../lab/format.ts'
import { runDiskSuite } from './diskTransfer.ts'
import { machineLine } from './report.ts'
import { runSandboxSuite } from './sandboxCost.ts'
import { runScalingSuite } from './scaling.ts'
import { runSimSuite } from './simThroughput.ts'
import { runSyncSuite } from './torrentSync.ts'

const args = process.argv.slice(2)
// `--against REV`: the sync suite also runs the torrent reference of that git revision, first.
const againstAt = args.indexOf('--against')
const against = againstAt >= 0 ? args.splice(againstAt, 2)[1] : undefined
if (againstAt >= 0 && !against) {
  console.error(kleur.red('distlab: --against needs a git revision, e.g. npm run bench sync -- --against HEAD~1'))
  process.exit(1)
}

// `--size MiB`: the disk suite's file size.
const sizeAt = args.indexOf('--size')
const sizeText = sizeAt >= 0 ? args.splice(sizeAt, 2)[1] : undefined
const sizeMiB = sizeText === undefined ? undefined : Number(sizeText)
if (sizeAt >= 0 && !(sizeMiB !== undefined && Number.isInteger(sizeMiB) && sizeMiB > 0)) {
  console.error(kleur.red(`distlab: --size needs a whole number of MiB, e.g. npm run bench disk -- --size 16 (got '${sizeText ?? ''}')`))
  process.exit(1)
}

const SUITES: Record<string, () => Promise<void>> = {
  sim: runSimSuite,
  sync: () => runSyncSuite({ against }),
  sandbox: runSandboxSuite,
  disk: () => runDiskSuite(sizeMiB === undefined ? {} : { sizeMiB }),
  scaling: runScalingSuite,
}

/** Suites that take many minutes: run only when named. */
const ON_REQUEST = new Set(['scaling'])

const asked = args
const unknown = asked.filter((name) => !(name in SUITES))
if (unknown.length) {
  console.error(kleur.red(`distlab: unknown benchmark ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`))
  process.exit(1)
}
console.log(kleur.gray(machineLine()))
for (const name of asked.length ? asked : Object.keys(SUITES).filter((n) => !ON_REQUEST.has(n))) {
  console.log('')
  await (SUITES[name] as () => Promise<void>)()
}
