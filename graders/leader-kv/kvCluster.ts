// The seed's topology for every leader-kv test: servers s1 (the leader), s2, s3 at the default
// ports, client machines c1.. driven through their consoles, and a raw grader client `g` that
// speaks the protocol directly when a test needs to aim at one server.
import type { ClientHandle, Cluster, LinkConfig } from '../../runtime/index.ts'
import { DEFAULT_SERVERS, type ServerConfig } from '../../assignments/leader-kv/messages.ts'
import type { TestContext } from '../harness/TestContext.ts'

export const SERVERS = ['s1', 's2', 's3'] as const
export type ServerName = (typeof SERVERS)[number]
export const LEADER: ServerName = 's1'
export const FOLLOWERS: ServerName[] = ['s2', 's3']
export const GRADER_ADDRESS = '127.0.0.1:55000'

/** s1..s3 at the seed's ports, c<n> at 127.0.0.1:5000<n>, the grader at :55000. */
export function addressOf(name: string): string {
  const server = SERVERS.indexOf(name as ServerName)
  if (server >= 0) return DEFAULT_SERVERS[server] as string
  if (name === 'g') return GRADER_ADDRESS
  const client = /^c(\d+)$/.exec(name)
  if (client) return `127.0.0.1:${50000 + Number(client[1])}`
  throw new Error(`no leader-kv endpoint named ${name}`)
}

export function nameOf(address: string): string {
  const server = DEFAULT_SERVERS.indexOf(address)
  if (server >= 0) return SERVERS[server] as string
  if (address === GRADER_ADDRESS) return 'g'
  const client = /^127\.0\.0\.1:5(\d{4})$/.exec(address)
  return client ? `c${Number(client[1])}` : address
}

export interface Kv {
  cluster: Cluster
  /** The grader's own protocol client. */
  g: ClientHandle
  clients: string[]
}

export async function startKv(t: TestContext, options: { clients?: number; network?: LinkConfig; records?: boolean } = {}): Promise<Kv> {
  const config: ServerConfig = { leader: addressOf(LEADER), servers: SERVERS.map(addressOf) }
  const clients = Array.from({ length: options.clients ?? 0 }, (_, i) => `c${i + 1}`)
  const cluster = await t.cluster({
    network: options.network ?? { latency: [1, 5] },
    records: options.records,
    nodes: [
      ...SERVERS.map((name) => ({ name, role: 'server', address: addressOf(name), config })),
      ...clients.map((name) => ({ name, role: 'client', address: addressOf(name) })),
    ],
  })
  return { cluster, g: cluster.client('g', { address: GRADER_ADDRESS, role: 'grader' }), clients }
}

/** Types `lines` at a client's console and waits for the one line the operation prints. */
export async function consoleOp(cluster: Cluster, client: string, lines: string[], what: string, timeout = 5000): Promise<string> {
  const before = cluster.node(client).console.length
  for (const line of lines) cluster.input(client, line)
  await cluster.until(() => cluster.node(client).console.length > before, { timeout, what: `${client} printing the result of ${what}` })
  return cluster.node(client).console[before] as string
}

export const initLines = (servers: string[] = SERVERS.map(addressOf)): string[] => ['INIT', ...servers]

export interface PutLine {
  kind: 'put'
  key: string
  value: string
  ts: number
  server: string
}
export interface GetLine {
  kind: 'get'
  key: string
  value: string
  server: string
  mine: number
  theirs: number
}

// The client lines of the seed's section 6, brackets replaced by values.
const PUT_OK_LINE = /^PUT_OK key: (\S+) value (.*) timestamp (\d+) realizada no servidor (\S+)$/
const GET_LINE = /^GET key: (\S+) value: (.*) obtido do servidor (\S+), meu timestamp (\d+) e do servidor (\d+)$/

export function parseClientLine(line: string): PutLine | GetLine | null {
  const put = PUT_OK_LINE.exec(line)
  if (put) return { kind: 'put', key: put[1] as string, value: put[2] as string, ts: Number(put[3]), server: put[4] as string }
  const get = GET_LINE.exec(line)
  if (get) return { kind: 'get', key: get[1] as string, value: get[2] as string, server: get[3] as string, mine: Number(get[4]), theirs: Number(get[5]) }
  return null
}
