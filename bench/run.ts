// `npm run bench [sim|hash|sync|sandbox ...]`: speed as ratios against a baseline measured in the same
// run, printed and saved as JSON under bench/results/. Not part of `npm test`: tests assert
// correctness only. With no suite named, all run.
import { kleur } from '../lab/format.ts'
import { runHashSuite } from './hashThroughput.ts'
import { machineLine } from './report.ts'
import { runSandboxSuite } from './sandboxCost.ts'
import { runSimSuite } from './simThroughput.ts'
import { runSyncSuite } from './torrentSync.ts'

const SUITES: Record<string, () => Promise<void>> = { sim: runSimSuite, hash: runHashSuite, sync: runSyncSuite, sandbox: runSandboxSuite }

const asked = process.argv.slice(2)
const unknown = asked.filter((name) => !(name in SUITES))
if (unknown.length) {
  console.error(kleur.red(`distlab: unknown benchmark ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`))
  process.exit(1)
}
console.log(kleur.gray(machineLine()))
for (const name of asked.length ? asked : Object.keys(SUITES)) {
  console.log('')
  await (SUITES[name] as () => Promise<void>)()
}
