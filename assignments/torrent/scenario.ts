// The torrent story: eight nodes on one /24 sync a 24 MiB file from one seeder. The others start
// with a padded copy, garbage, nothing, no FileInfo, a broken torrent.conf, or no peers at all;
// two crash mid-download and come back; at the end every data.bin is compared with the
// reference, byte for byte. A live board shows each node's parts.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defineScenario, type ScenarioContext } from '../../lab/scenario/defineScenario.ts'
import { kleur } from '../../lab/format.ts'
import type { Cluster } from '../../runtime/index.ts'
import { Content, partDigests } from './setting/content.ts'
import { mismatch, writeConf, writeData, type RunContent } from './setting/files.ts'
import { SWARM_BANDWIDTH, SWARM_NETWORK, SWARM_TEAR_WITHIN } from './setting/network.ts'
import type { NodePlan, RunPlan } from './setting/plan.ts'
import { CONF_FILE } from './messages.ts'

const SIZE = 24 << 20
const PART = 256 << 10
const BAR = 28

interface Shown {
  what: string
  address: string
}

type Role = Omit<NodePlan, 'name' | 'address' | 'peers'> & Omit<Shown, 'address'> & { listed: boolean }

const roles: Role[] = [
  { what: 'the seeder: the whole file', info: true, listed: true, data: { kind: 'whole' } },
  { what: 'a copy padded with 40 KiB of garbage', info: true, listed: true, data: { kind: 'whole+tail', tail: 40 << 10 } },
  { what: 'garbage of exactly the right size', info: true, listed: true, data: { kind: 'garbage', length: SIZE } },
  { what: 'no data.bin and no FileInfo: asks its peers', info: false, listed: true, data: { kind: 'absent' } },
  { what: 'a torrent.conf with one hash missing', info: true, listed: true, data: { kind: 'empty' } },
  { what: 'nothing yet', info: true, listed: true, data: { kind: 'absent' } },
  { what: 'nothing yet', info: true, listed: true, data: { kind: 'absent' } },
  { what: 'no Peers, and no one lists it: probes the /24', info: true, listed: false, data: { kind: 'absent' } },
]
const cast: Array<Role & Shown> = roles.map((node, i) => ({ ...node, address: `10.0.7.${11 + i}` }))

const names = cast.map((_, i) => `node0${i}`)

interface Progress {
  have: number
  parts: number
  phase: string
}

export default defineScenario({
  title: 'torrent: a swarm fills in, survives crashes, and checks out byte for byte',
  description:
    'Eight nodes on 10.0.7.0/24 sync a 24 MiB file (96 parts of 256 KiB) from one seeder, at 50 MB/s per node. The others start with a ' +
    'padded copy, garbage, nothing, no FileInfo, a torrent.conf with a hash missing, or no peers at all (it probes the subnet). Two crash ' +
    'mid-download and come back. At the end every data.bin is compared with the reference, byte for byte.',
  async run(lab) {
    const cluster = await lab.cluster({
      nodes: cast.map((node, i) => ({ name: names[i] as string, address: node.address, role: 'node', start: false, peers: [] })),
      network: SWARM_NETWORK,
      bandwidth: SWARM_BANDWIDTH,
      tornWrites: { withinMs: SWARM_TEAR_WITHIN },
    })
    const listed = cast.filter((n) => n.listed).map((n) => n.address)
    const plan: RunPlan = {
      label: 'the scenario',
      size: SIZE,
      partSize: PART,
      limit: 60_000,
      nodes: cast.map((node, i) => ({ name: names[i] as string, address: node.address, peers: node.listed ? listed : null, info: node.info, data: node.data })),
    }
    const reference = new Content(lab.seed, 'scenario', 'reference')
    const content: RunContent = { reference, garbage: (node) => new Content(lab.seed, 'scenario', node), parts: partDigests(reference, SIZE, PART) }
    for (const node of plan.nodes) {
      const dir = cluster.dataDir(node.name)
      writeConf(dir, node, plan, content.parts)
      writeData(dir, node, plan, content)
    }
    // node04's torrent.conf lacks the last hash: it says so, and gets FileInfo from a peer.
    writeFileSync(join(cluster.dataDir('node04'), CONF_FILE), JSON.stringify({ Peers: listed, FileInfo: { Size: SIZE, PartSize: PART, Parts: content.parts.slice(0, -1) } }))

    await lab.chapter('eight nodes start')
    cast.forEach((node, i) => lab.board([`  ${names[i]} ${node.address.padEnd(11)} ${node.what}`], { keep: true }))
    for (const name of names) cluster.start(name)
    const board = new Board(cluster, lab)
    await board.follow(() => board.progress('node05') >= 0.4, 20_000)
    await board.draw({ keep: true })

    await lab.chapter('node05 and node06 crash mid-download, and come back half a second later')
    await lab.say('A restarted node forgets everything but its data directory: it re-hashes data.bin to learn which parts it kept. A part it was writing when killed may be torn (only its first pages new): its hash tells.')
    cluster.crash('node05')
    cluster.crash('node06')
    await board.follow(() => false, 500)
    cluster.restart('node05')
    cluster.restart('node06')
    await board.follow(() => ['node05', 'node06'].every((n) => board.checked(n)), 5_000, 1)
    await lab.say('Back up, they found in data.bin every part they had verified and written whole before the crash:')
    await board.draw({ keep: true })
    await board.follow(() => names.every((n) => cluster.node(n).console.includes('complete')), 30_000)
    await board.draw({ keep: true })

    await lab.chapter('every node is killed; every data.bin is compared with the reference')
    for (const name of names) cluster.crash(name, { tear: false })
    await cluster.tornWritesOnDisk()
    for (const [i, name] of names.entries()) {
      const wrong = mismatch(cluster.dataDir(name), plan, reference)
      // Plain text: narration goes into the trace; the narrator colors the ✓ and ✗ when it prints.
      await lab.say(wrong ? `✗ ${name}: ${wrong}` : `✓ ${name} (${cast[i]?.what}): ${SIZE.toLocaleString('en')} bytes, identical`)
    }
  },
})

/** Per-node progress bars, from each node's machine (its Torrent object's counters). */
class Board {
  private readonly last = new Map<string, Progress>()

  constructor(
    private readonly cluster: Cluster,
    private readonly lab: ScenarioContext,
  ) {}

  /** Whether the node has finished checking its own file (its file region is past 'checking'). */
  checked(name: string): boolean {
    const phase = this.last.get(name)?.phase
    return phase === 'leeching' || phase === 'complete'
  }

  progress(name: string): number {
    const p = this.last.get(name)
    return p && p.parts ? p.have / p.parts : 0
  }

  /** Redraws every `every` virtual ms until `done()` or `ms` have passed. */
  async follow(done: () => boolean, ms: number, every = 100): Promise<void> {
    const end = this.cluster.now + ms
    do {
      await this.cluster.sleep(Math.min(every, end - this.cluster.now))
      await this.draw()
    } while (this.cluster.now < end && !done())
  }

  async draw(options: { keep?: boolean } = {}): Promise<void> {
    const lines: string[] = [kleur.gray(`  t=${(this.cluster.now / 1000).toFixed(1)} s`)]
    for (const name of this.cluster.nodeNames) {
      const view = this.cluster.node(name)
      if (view.status === 'up') {
        const snapshot = await this.cluster.inspect(name)
        // The reference node's context: its book of parts, once it knows FileInfo (solution/node.ts).
        const book = (snapshot.context as { book: { haveCount: number; count: number } | null }).book
        const phase = (snapshot.value as { file?: string }).file ?? '?'
        this.last.set(name, { have: book?.haveCount ?? 0, parts: book?.count ?? 0, phase })
      }
      lines.push(this.line(name, view.status === 'up' ? null : view.status))
    }
    this.lab.board(lines, options)
  }

  private line(name: string, down: string | null): string {
    const p = this.last.get(name) ?? { have: 0, parts: 0, phase: 'starting' }
    const share = p.parts ? p.have / p.parts : 0
    const filled = Math.round(share * BAR)
    const paint = down ? kleur.gray : share === 1 ? kleur.green : kleur.yellow
    const bar = paint('█'.repeat(filled)) + kleur.gray('░'.repeat(BAR - filled))
    const state = down ? kleur.red(down) : p.phase
    return `  ${name} ${bar} ${`${Math.round(share * 100)}%`.padStart(4)} ${`${p.have}/${p.parts || '?'}`.padStart(7)}  ${state}`
  }
}
