// The torrent grader: the seed's seven groups (004, points 1, 3, 2, 1, 1, 1, 1), each a series of
// swarm runs drawn from the test's seed. A group scores only if every one of its runs ends with
// every node's data.bin equal to the reference, byte for byte (length included). Time is virtual;
// each run has the group's limit (the seed's timeouts). `npm run grade torrent` runs the seed's
// sizes (1 GB on disk per simple-extra run); `--scale reduced` and `npm test` run small files.
import type { Rng } from '../../runtime/index.ts'
import { defineGrader, type GraderTest } from '../harness/defineGrader.ts'
import type { Scale, TestContext } from '../harness/TestContext.ts'
import type { RunPlan } from '../../assignments/torrent/setting/plan.ts'
import { manySource, restarts, restartsDiscovery, selfDiscovery, simpleCompose, simpleExtra, simpleRandom } from './plans.ts'
import { runSwarm } from './swarm.ts'

/** Every run of the group, one after the other; the first wrong file fails the group. */
function group(plans: (rng: Rng, scale: Scale) => RunPlan[]): (t: TestContext) => Promise<void> {
  return async (t) => {
    const runs = plans(t.rng.fork('plans'), t.scale)
    for (const [i, run] of runs.entries()) {
      t.progress(`run ${i + 1} of ${runs.length}: ${run.label}`)
      await runSwarm(t, run, `run-${i}`)
    }
  }
}

/** The longest run's limit plus a margin: the cluster's hard stop must come after the run's own. */
const limitOf = (seconds: number): number => seconds * 1000 + 5000

const tests: GraderTest[] = [
  {
    name: 'simple-compose',
    title: 'two nodes: the seeder’s 2 KiB file (256-byte parts) reaches the leecher, whose file was emptied',
    points: 1,
    timeLimit: limitOf(30),
    run: group((rng) => simpleCompose(rng)),
  },
  {
    name: 'simple-random',
    title: 'runs of 2, 3, 5 and 10 nodes; one seeder, no data file on the others; 1 KiB–1 MiB files in 128 B–4 KiB parts',
    points: 3,
    timeLimit: limitOf(30),
    wallLimit: { full: 120_000, reduced: 30_000 },
    run: group(simpleRandom),
  },
  {
    name: 'simple-extra',
    title: 'a 0-byte file on 7 nodes, then 3, 9, 30 and 60 nodes sharing 1 GB; several seeders; leechers with garbage, short, padded or no files and often no Peers',
    points: 2,
    timeLimit: limitOf(60),
    wallLimit: { full: 900_000, reduced: 60_000 },
    run: group(simpleExtra),
  },
  {
    name: 'many-source',
    title: '4, 8 and 16 nodes, each part of a 1–17 MiB file valid on exactly one node, every file padded to whole parts',
    points: 1,
    timeLimit: limitOf(30),
    wallLimit: { full: 180_000, reduced: 30_000 },
    run: group(manySource),
  },
  {
    name: 'restarts',
    title: 'as many-source on 4, 8 and 14 nodes restarted all the time: a random node every 200 ms (all every 10 s), or a random half per 1 s epoch; a seeder that dies mid-transfer; an owner of parts that dies and returns',
    points: 1,
    timeLimit: limitOf(120),
    wallLimit: { full: 900_000, reduced: 90_000 },
    run: group(restarts),
  },
  {
    name: 'restarts-discovery',
    title: 'as restarts (1 s / 3 s periods), each node knowing one earlier node and only one node knowing the file’s size and hashes',
    points: 1,
    timeLimit: limitOf(120),
    wallLimit: { full: 900_000, reduced: 90_000 },
    run: group(restartsDiscovery),
  },
  {
    name: 'self-discovery',
    title: 'as restarts-discovery, but no node is told any peer: they must find each other on their /24',
    points: 1,
    timeLimit: limitOf(120),
    wallLimit: { full: 900_000, reduced: 90_000 },
    run: group(selfDiscovery),
  },
]

export default defineGrader({ assignment: 'torrent', tests })
