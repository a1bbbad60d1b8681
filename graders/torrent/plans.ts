// The runs of each graded group, drawn from the test's seed: node counts, sizes, who holds what,
// who knows whom, and how nodes are restarted. Full scale is the seed's (up to 60 nodes and 1 GB
// on disk per run); reduced scale keeps every group's shape with small files, for `npm test`.
import type { Rng } from '../../runtime/index.ts'
import type { DataPlan, NodePlan, RestartPlan, RunPlan } from '../../assignments/torrent/setting/plan.ts'
import type { Scale } from '../harness/TestContext.ts'
import { SWARM_BANDWIDTH } from '../../assignments/torrent/setting/network.ts'

/**
 * Reduced-scale restart runs move files ~16 times smaller than full scale; their links are as much
 * slower, so a transfer still spans several restarts (and crashes still catch nodes mid-write).
 */
export const REDUCED_RESTART_BANDWIDTH = 3_000_000

/** Distinct random host addresses in one random 10.x.y.0/24. */
export function addresses(rng: Rng, count: number): string[] {
  const subnet = `10.${rng.int(0, 255)}.${rng.int(0, 255)}`
  const hosts = rng.shuffle(Array.from({ length: 254 }, (_, i) => i + 1)).slice(0, count)
  return hosts.map((h) => `${subnet}.${h}`)
}

const nameOf = (i: number): string => `node${String(i).padStart(2, '0')}`

function describe(n: number, size: number, partSize: number, extra = ''): string {
  return `${n} nodes, ${bytes(size)} in ${bytes(partSize)} parts${extra}`
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1 << 20) return `${+(n / 1024).toFixed(1)} KiB`
  return `${+(n / (1 << 20)).toFixed(1)} MiB`
}

function nodes(rng: Rng, n: number, each: (i: number, all: string[]) => Omit<NodePlan, 'name' | 'address'>): NodePlan[] {
  const all = addresses(rng, n)
  return all.map((address, i) => ({ name: nameOf(i), address, ...each(i, all) }))
}

// ---- 1. simple-compose ---------------------------------------------------------------------------

export function simpleCompose(rng: Rng): RunPlan[] {
  const size = 2048
  const partSize = 256
  return [
    {
      label: describe(2, size, partSize, ', a seeder and an emptied leecher'),
      size,
      partSize,
      limit: 30_000,
      nodes: nodes(rng, 2, (i, all) => ({ peers: all, info: true, data: i === 0 ? { kind: 'whole' } : { kind: 'empty' } })),
    },
  ]
}

// ---- 2. simple-random ----------------------------------------------------------------------------

export function simpleRandom(rng: Rng, scale: Scale): RunPlan[] {
  const counts = scale === 'full' ? [2, 3, 5, 10] : [2, 5]
  const maxSize = scale === 'full' ? 1 << 20 : 64 << 10
  return counts.map((n) => {
    const size = rng.int(1024, maxSize)
    const partSize = rng.int(128, 4096)
    const seeder = rng.int(0, n - 1)
    return {
      label: describe(n, size, partSize, ', one seeder'),
      size,
      partSize,
      limit: 30_000,
      nodes: nodes(rng, n, (i, all) => ({ peers: all, info: true, data: i === seeder ? { kind: 'whole' } : { kind: 'absent' } })),
    }
  })
}

// ---- 3. simple-extra -----------------------------------------------------------------------------

export function simpleExtra(rng: Rng, scale: Scale): RunPlan[] {
  const partSize = 64 << 10
  const total = scale === 'full' ? 2 ** 30 : 2 ** 22
  const runs: Array<{ n: number; size: number }> = scale === 'full' ? [{ n: 7, size: 0 }, ...[3, 9, 30, 60].map((n) => ({ n, size: Math.floor(total / (n + 1)) }))] : [{ n: 4, size: 0 }, ...[3, 9].map((n) => ({ n, size: Math.floor(total / (n + 1)) }))]
  return runs.map(({ n, size }) => {
    const seeders = new Set(rng.shuffle([...Array(n).keys()]).slice(0, Math.max(1, Math.floor(n / 8))))
    // Leechers' files come in every kind the seed allows, in turn from a random start.
    const start = rng.int(0, 3)
    let leecher = 0
    const plan = nodes(rng, n, (i, all) => {
      if (seeders.has(i)) return { peers: all, info: true, data: { kind: 'whole' } }
      const kind = (start + leecher++) % 4
      const data: DataPlan =
        kind === 0 ? { kind: 'empty' } : kind === 1 ? { kind: 'garbage', length: size } : kind === 2 ? { kind: 'whole+tail', tail: rng.int(1, 64 << 10) } : { kind: 'garbage', length: rng.int(1, (1 << 20) - 1) }
      return { peers: rng.chance(0.5) ? all : null, info: true, data }
    })
    return { label: describe(n, size, partSize, `, ${seeders.size} seeder${seeders.size > 1 ? 's' : ''}`), size, partSize, limit: 60_000, nodes: plan }
  }).concat(discoveryWithoutRestarts(rng, scale === 'full' ? 8 : 5, Math.floor(total / 16), partSize))
}

/**
 * The seed's guarantees without its restarts: only the seeder has FileInfo and each node knows one
 * earlier node (node 0 only itself). A node must ask a peer for FileInfo and learn the others by
 * peer exchange while it runs: a restart (which re-reads what it saved) never comes to its help.
 */
function discoveryWithoutRestarts(rng: Rng, n: number, size: number, partSize: number): RunPlan {
  const seeder = rng.int(0, n - 1)
  const plan = nodes(rng, n, (i, all) => ({ peers: [all[i === 0 ? 0 : rng.int(0, i - 1)] as string], info: i === seeder, data: i === seeder ? { kind: 'whole' } : { kind: 'absent' } }))
  return { label: describe(n, size, partSize, ', FileInfo only on the seeder, each node knowing one earlier node, no restarts'), size, partSize, limit: 60_000, nodes: plan }
}

// ---- 4. many-source, and the restart groups built on it -------------------------------------------

interface ManySourceOptions {
  n: number
  limit: number
  restarts?: RestartPlan
  /** Who knows whom (default: everyone knows everyone, itself included). */
  peers?: (i: number, all: string[]) => string[] | null
  /** Which node has FileInfo (default: all). */
  infoOn?: number
  /** One more node, a decoy (NodePlan.decoy), known to all. */
  decoy?: boolean
}

function manySourceRun(rng: Rng, scale: Scale, options: ManySourceOptions): RunPlan {
  const { n } = options
  const [minSize, maxSize] = scale === 'full' ? [1 << 20, 17 << 20] : [256 << 10, 1 << 20]
  const [minPart, maxPart] = scale === 'full' ? [64 << 10, (128 << 10) - 1] : [16 << 10, (32 << 10) - 1]
  const partSize = rng.int(minPart, maxPart)
  let size = rng.int(minSize, maxSize)
  // Every part valid on exactly one node: owners drawn so that each node owns at least one.
  const parts = Math.ceil(size / partSize)
  if (parts < n) size = n * partSize - 1
  const count = Math.ceil(size / partSize)
  const owners = new Uint16Array(count)
  const order = rng.shuffle([...Array(count).keys()])
  order.forEach((part, k) => (owners[part] = k < n ? k : rng.int(0, n - 1)))
  const restarts = options.restarts ? `, ${describeRestarts(options.restarts)}` : ''
  const decoy = options.decoy ? ', and a decoy serving another file of that size' : ''
  const plan: RunPlan = {
    label: describe(n, size, partSize, `, parts spread over all nodes${restarts}${decoy}`),
    size,
    partSize,
    owners,
    limit: options.limit,
    restarts: options.restarts,
    nodes: nodes(rng, n, (i, all) => ({
      peers: options.peers ? options.peers(i, all) : all,
      info: options.infoOn === undefined || options.infoOn === i,
      data: { kind: 'owned', index: i },
    })),
  }
  if (options.decoy) {
    // Another host of the same /24, known to every node that is told its peers.
    const [a, b, c] = (plan.nodes[0] as NodePlan).address.split('.')
    const used = new Set(plan.nodes.map((node) => Number(node.address.split('.')[3])))
    const address = `${a}.${b}.${c}.${rng.pick(Array.from({ length: 254 }, (_, i) => i + 1).filter((h) => !used.has(h)))}`
    for (const node of plan.nodes) if (node.peers) node.peers = [...node.peers, address]
    plan.nodes.push({ name: nameOf(n), address, peers: plan.nodes.map((node) => node.address), info: true, data: { kind: 'whole' }, decoy: true })
  }
  return plan
}


export function describeRestarts(plan: RestartPlan): string {
  if (plan.kind === 'dies') return plan.returns === undefined ? 'the busier seeder killed mid-transfer, never restarted' : `the busiest node killed mid-transfer, restarted ${plan.returns / 1000} s later`
  return plan.kind === 'random' ? `a random node restarted every ${plan.single / 1000} s and all every ${plan.all / 1000} s` : `a random half running each ${plan.period / 1000} s epoch`
}

export function manySource(rng: Rng, scale: Scale): RunPlan[] {
  return (scale === 'full' ? [4, 8, 16] : [4, 8]).map((n) => manySourceRun(rng, scale, { n, limit: 30_000, decoy: true }))
}

function strategies(fast: boolean): RestartPlan[] {
  return fast ? [{ kind: 'random', single: 200, all: 10_000 }, { kind: 'epochs', period: 1000 }] : [{ kind: 'random', single: 1000, all: 3000 }, { kind: 'epochs', period: 3000 }]
}

/** The time limit and links of every run in the restart groups. */
function restartSetting(scale: Scale): { limit: number; bandwidth: number } {
  return scale === 'full' ? { limit: 120_000, bandwidth: SWARM_BANDWIDTH } : { limit: 40_000, bandwidth: REDUCED_RESTART_BANDWIDTH }
}

function restartRuns(rng: Rng, scale: Scale, fast: boolean, counts: { full: number[]; reduced: number[] }, extra: Omit<ManySourceOptions, 'n' | 'limit' | 'restarts'> | ((n: number) => Omit<ManySourceOptions, 'n' | 'limit' | 'restarts'>)): RunPlan[] {
  const { limit, bandwidth } = restartSetting(scale)
  return counts[scale].flatMap((n) => strategies(fast).map((restarts) => ({ ...manySourceRun(rng, scale, { n, limit, restarts, ...(typeof extra === 'function' ? extra(n) : extra) }), bandwidth })))
}

export function restarts(rng: Rng, scale: Scale): RunPlan[] {
  return [...restartRuns(rng, scale, true, { full: [4, 8, 14], reduced: [4] }, {}), seederDies(rng, scale), ownerDiesAndReturns(rng, scale)]
}

/**
 * As many-source (each part valid on one node only), and the node with the most sending queued is
 * killed mid-transfer and started again 5 s later: the parts it alone held cannot be asked of
 * anyone else meanwhile, so what was asked of it stalls past any piece timeout and must not be
 * taken for data (only its bytes, once it is back, can complete those parts).
 */
function ownerDiesAndReturns(rng: Rng, scale: Scale): RunPlan {
  const n = scale === 'full' ? 8 : 4
  const { limit, bandwidth } = restartSetting(scale)
  const base = manySourceRun(rng, scale, { n, limit })
  const after = Math.round(((base.size / bandwidth) * 1000) / 4)
  const restarts: RestartPlan = { kind: 'dies', among: [...Array(n).keys()], after, returns: 5000 }
  return { ...base, label: describe(n, base.size, base.partSize, `, parts spread over all nodes, ${describeRestarts(restarts)}`), restarts, bandwidth }
}

/**
 * The busier of two seeders is killed while the leechers download from it and does not come back (the
 * seed's restart tests often found a container not running). A dead node is silent: no message
 * and no restart says that the parts asked of it will never come, so only the spec's "timeout that
 * asks someone else" finishes the leechers. The dead seeder's file is whole: the verdict holds.
 */
function seederDies(rng: Rng, scale: Scale): RunPlan {
  const n = scale === 'full' ? 6 : 4
  const [minSize, maxSize] = scale === 'full' ? [4 << 20, 17 << 20] : [256 << 10, 1 << 20]
  const partSize = scale === 'full' ? rng.int(64 << 10, (128 << 10) - 1) : rng.int(16 << 10, (32 << 10) - 1)
  const size = rng.int(minSize, maxSize)
  const { limit, bandwidth } = restartSetting(scale)
  // No earlier than a third of the way (the leechers pull n − 2 copies through two uplinks).
  const after = Math.round((((n - 2) * size) / (2 * bandwidth)) * 1000 / 3)
  const restarts: RestartPlan = { kind: 'dies', among: [0, 1], after }
  return {
    label: describe(n, size, partSize, `, two seeders, ${describeRestarts(restarts)}`),
    size,
    partSize,
    limit,
    restarts,
    bandwidth,
    nodes: nodes(rng, n, (i, all) => ({ peers: all, info: true, data: i < 2 ? { kind: 'whole' } : { kind: 'absent' } })),
  }
}

/** Each node knows one earlier node (node 0 only itself); one node has FileInfo. */
export function restartsDiscovery(rng: Rng, scale: Scale): RunPlan[] {
  return restartRuns(rng, scale, false, { full: [4, 8, 14], reduced: [5] }, (n) => ({
    peers: (i, all) => [all[i === 0 ? 0 : rng.int(0, i - 1)] as string],
    infoOn: rng.int(0, n - 1),
  }))
}

/** As restarts-discovery, but nobody knows anybody: all nodes share one /24. */
export function selfDiscovery(rng: Rng, scale: Scale): RunPlan[] {
  return restartRuns(rng, scale, false, { full: [4, 8, 14], reduced: [5] }, (n) => ({ peers: () => null, infoOn: rng.int(0, n - 1) }))
}
