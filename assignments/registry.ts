// Every assignment the lab knows, ready or not: the CLI validates ids against this list and the
// README's table mirrors it. A ready assignment loads its grader, scenario and mutants lazily.
import { join } from 'node:path'
import { REPO_ROOT, DistlabError } from '../runtime/index.ts'
import { didYouMean } from '../lab/suggest.ts'
import type { Grader } from '../graders/harness/defineGrader.ts'
import type { MutantSpec } from '../graders/harness/mutants.ts'
import type { Scenario } from '../lab/scenario/defineScenario.ts'
import { httpSecrets, type Message, type Wire } from '../runtime/index.ts'
import { pbserviceRpc } from './pbservice/wire.ts'
import { viewserviceRpc } from './viewservice/wire.ts'
import type { AppConsole } from './reliable-udp/console.ts'
import { DEFAULT_SERVERS } from './leader-kv/messages.ts'
import { DEMO_CLUSTER, DEMO_LOGIN } from './http-store/messages.ts'

export interface AssignmentInfo {
  id: string
  title: string
  /** Which course text it comes from. */
  source: string
  status: 'ready' | 'planned'
}

export interface Assignment extends AssignmentInfo {
  status: 'ready'
  /** role → what that module is; a solution has one module per role (`server.ts`, `client.ts`). */
  roles: Record<string, string>
  /** How messages travel in real mode: UDP datagrams, XML-RPC calls, or TCP frames (the default). */
  wire?: Wire
  /** Finds the secrets (tokens, passwords) in a message, so that no trace shows them (ClusterOptions.secrets). */
  secrets?: (msg: Message) => string[]
  /** For nodes that serve an application (cluster.app): its console in `npm run node`. */
  appConsole?(): Promise<AppConsole>
  /** `npm run node` flags of this assignment (name → what it is), and the config they make for a role. */
  nodeOptions?: NodeOptions
  dir: string
  referenceDir: string
  grader(): Promise<Grader>
  scenario(): Promise<Scenario>
  mutants(): Promise<MutantSpec[]>
}

export interface NodeOptions {
  flags: Record<string, string>
  config(role: string, flags: Record<string, string | undefined>): unknown
}

const dir = (id: string): string => join(REPO_ROOT, 'assignments', id)

const leaderKv: Assignment = {
  id: 'leader-kv',
  title: 'Leader-replicated key-value store: forwarded PUTs, replication acks, client timestamps',
  source: 'seed 001',
  status: 'ready',
  roles: {
    server: 'a leader-kv server: leader or follower, by its config',
    client: 'the leader-kv console client: INIT, PUT and GET read from the console',
  },
  // The professor's demo (seed §7): three servers and two clients in five consoles.
  nodeOptions: {
    flags: {
      leader: "a server's leader (default: the first of --servers)",
      servers: "the three servers' addresses, comma-separated (default: the seed's 127.0.0.1:10097,10098,10099)",
    },
    config: (role, flags) => {
      if (role !== 'server') return {}
      const servers = flags.servers ? flags.servers.split(',') : [...DEFAULT_SERVERS]
      return { leader: flags.leader ?? servers[0], servers }
    },
  },
  dir: dir('leader-kv'),
  referenceDir: join(dir('leader-kv'), 'solution'),
  grader: async () => (await import('../graders/leader-kv/index.ts')).default,
  scenario: async () => (await import('./leader-kv/scenario.ts')).default,
  mutants: async () => (await import('./leader-kv/mutants/index.ts')).default,
}

const viewservice: Assignment = {
  id: 'viewservice',
  title: 'View coordinator of a primary/backup service: views, acknowledgements, failover',
  source: 'seed 000 §3',
  status: 'ready',
  roles: { coordinator: 'the viewservice coordinator: PING, MASTER and GET_VIEW, a view changed only once acknowledged' },
  // Seed 000 §3: all interaction between servers is XML-RPC.
  wire: { transport: 'xmlrpc', rpc: viewserviceRpc },
  dir: dir('viewservice'),
  referenceDir: join(dir('viewservice'), 'solution'),
  grader: async () => (await import('../graders/viewservice/index.ts')).default,
  scenario: async () => (await import('./viewservice/scenario.ts')).default,
  mutants: async () => (await import('./viewservice/mutants/index.ts')).default,
}

const pbservice: Assignment = {
  id: 'pbservice',
  title: 'Primary/backup key-value server: forwarding, state transfer before acknowledging, failover',
  source: 'seed 000 §4',
  status: 'ready',
  roles: { server: 'a pbservice server: pings the coordinator every tick; primary, backup or idle by the view' },
  wire: { transport: 'xmlrpc', rpc: pbserviceRpc },
  dir: dir('pbservice'),
  referenceDir: join(dir('pbservice'), 'solution'),
  grader: async () => (await import('../graders/pbservice/index.ts')).default,
  scenario: async () => (await import('./pbservice/scenario.ts')).default,
  mutants: async () => (await import('./pbservice/mutants/index.ts')).default,
}

const dynamo: Assignment = {
  id: 'dynamo',
  title: 'Dynamo-style store: consistent hashing, quorums, sloppy quorum and hinted handoff, vector clocks, carts',
  source: 'seed 002',
  status: 'ready',
  roles: { node: 'a dynamo node: any node takes any request; JOIN/LEAVE change the membership' },
  dir: dir('dynamo'),
  referenceDir: join(dir('dynamo'), 'solution'),
  grader: async () => (await import('../graders/dynamo/index.ts')).default,
  scenario: async () => (await import('./dynamo/scenario.ts')).default,
  mutants: async () => (await import('./dynamo/mutants/index.ts')).default,
}

const torrent: Assignment = {
  id: 'torrent',
  title: 'BitTorrent-like file sync: SHA-1 verified parts, peer exchange, subnet discovery, restarts',
  source: 'seed 004',
  status: 'ready',
  roles: { node: 'a torrent node: syncs data.bin in its data directory by torrent.conf; prints "complete"' },
  dir: dir('torrent'),
  referenceDir: join(dir('torrent'), 'solution'),
  grader: async () => (await import('../graders/torrent/index.ts')).default,
  scenario: async () => (await import('./torrent/scenario.ts')).default,
  mutants: async () => (await import('./torrent/mutants/index.ts')).default,
}

const reliableUdp: Assignment = {
  id: 'reliable-udp',
  title: 'Reliable delivery over UDP: sendto blocks until ACK or timeout',
  source: 'seed 000 §1',
  status: 'ready',
  roles: { socket: 'a reliable socket: sendto and recvfrom from its application, DATA and ACK datagrams on the network' },
  wire: { transport: 'udp' },
  appConsole: async () => (await import('./reliable-udp/console.ts')).socketConsole,
  dir: dir('reliable-udp'),
  referenceDir: join(dir('reliable-udp'), 'solution'),
  grader: async () => (await import('../graders/reliable-udp/index.ts')).default,
  scenario: async () => (await import('./reliable-udp/scenario.ts')).default,
  mutants: async () => (await import('./reliable-udp/mutants/index.ts')).default,
}

const httpStore: Assignment = {
  id: 'http-store',
  title: 'HTTP storage cluster: token auth, durable log, write propagation, chained reads with caching',
  source: 'seed 003',
  status: 'ready',
  roles: {
    server: 'an http-store server: auth, set and get over HTTP; memory and an append-only log; mkcluster on its console',
    client: "the seed's console client: auth, set, get, exit; a background checker keeps its server list fresh",
  },
  wire: { transport: 'http' },
  secrets: httpSecrets,
  nodeOptions: {
    flags: {
      join: "a server: join the cluster of the server at this address (as 'mkcluster ADDRESS' does)",
      servers: "the client: servers to try first, comma-separated (default 127.0.0.1:8080)",
      secret: `the cluster's secret (default: ${DEMO_CLUSTER.secret}); every server of one cluster needs the same`,
    },
    config: (role, flags) =>
      role === 'server'
        ? { ...DEMO_CLUSTER, secret: flags.secret ?? DEMO_CLUSTER.secret, ...(flags.join ? { join: flags.join } : {}) }
        : { servers: flags.servers ? flags.servers.split(',') : ['127.0.0.1:8080'], ...DEMO_LOGIN },
  },
  dir: dir('http-store'),
  referenceDir: join(dir('http-store'), 'solution'),
  grader: async () => (await import('../graders/http-store/index.ts')).default,
  scenario: async () => (await import('./http-store/scenario.ts')).default,
  mutants: async () => (await import('./http-store/mutants/index.ts')).default,
}

const diskClient: Assignment = {
  id: 'disk-client',
  title: 'Console client for the Yandex.Disk REST API: ls, rm, mv, cp, upload, download, against a faithful emulator',
  source: 'seed 000 §2',
  status: 'ready',
  roles: { client: 'the disk-client: runs the command on its command line (config.argv) against the Disk, prints one line per result or error, and exits with a code' },
  wire: { transport: 'http' },
  secrets: httpSecrets,
  dir: dir('disk-client'),
  referenceDir: join(dir('disk-client'), 'solution'),
  grader: async () => (await import('../graders/disk-client/index.ts')).default,
  scenario: async () => (await import('./disk-client/scenario.ts')).default,
  mutants: async () => (await import('./disk-client/mutants/index.ts')).default,
}

export const ASSIGNMENTS: ReadonlyArray<AssignmentInfo | Assignment> = [
  reliableUdp,
  diskClient,
  viewservice,
  pbservice,
  leaderKv,
  dynamo,
  httpStore,
  torrent,
]

export function isReady(info: AssignmentInfo): info is Assignment {
  return info.status === 'ready'
}

/** The assignment with this id, ready to run; a clear error otherwise. */
export function findAssignment(id: string | undefined): Assignment {
  const ids = ASSIGNMENTS.map((a) => a.id)
  if (!id) throw new DistlabError('BAD_INPUT', `name an assignment: ${ids.join(', ')}`)
  const info = ASSIGNMENTS.find((a) => a.id === id)
  if (!info) {
    throw new DistlabError('BAD_INPUT', `unknown assignment '${id}'${didYouMean(id, ids)}; assignments: ${ids.join(', ')}`)
  }
  if (!isReady(info)) {
    const ready = ASSIGNMENTS.filter(isReady).map((a) => a.id)
    throw new DistlabError('BAD_INPUT', `assignment '${id}' is planned but not built yet; ready now: ${ready.join(', ')}`)
  }
  return info
}
