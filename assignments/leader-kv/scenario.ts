// The professor's demo of seed 001 §7: three servers, two clients; a PUT, a normal GET, and a GET
// that meets TRY_OTHER_SERVER_OR_LATER at a lagging follower and then gets its answer elsewhere.
import { defineScenario } from '../../lab/scenario/defineScenario.ts'
import type { Cluster } from '../../runtime/index.ts'
import { DEFAULT_SERVERS, type ServerConfig } from './messages.ts'

const config: ServerConfig = { leader: DEFAULT_SERVERS[0] as string, servers: [...DEFAULT_SERVERS] }

/** Types the lines of one menu operation and waits for the line it prints. */
async function op(cluster: Cluster, client: string, lines: string[]): Promise<string> {
  const before = cluster.node(client).console.length
  for (const line of lines) cluster.input(client, line)
  await cluster.until(() => cluster.node(client).console.length > before, { timeout: 10_000, what: `${client}'s answer to ${lines.join(' ')}` })
  return cluster.node(client).console[before] as string
}

export default defineScenario({
  title: 'leader-kv: three servers, two clients, one lagging follower',
  description:
    's1 is the leader; s2 and s3 follow. c1 writes, c2 reads. Then the link from the leader to s3 slows down to 3 s: ' +
    'c2 sees the new value at a fast server, so s3 (still behind) must answer TRY_OTHER_SERVER_OR_LATER rather than an older value.',
  async run(lab) {
    await lab.chapter('Three servers and two clients start; the clients are initialized at their consoles')
    const cluster = await lab.cluster({
      network: { latency: [2, 8] },
      nodes: [
        ...DEFAULT_SERVERS.map((address, i) => ({ name: `s${i + 1}`, role: 'server', address, config })),
        { name: 'c1', role: 'client', address: '127.0.0.1:50001' },
        { name: 'c2', role: 'client', address: '127.0.0.1:50002' },
      ],
    })
    for (const client of ['c1', 'c2']) for (const line of ['INIT', ...DEFAULT_SERVERS]) cluster.input(client, line)

    await lab.chapter('A PUT: forwarded to the leader if needed, replicated, acknowledged')
    await op(cluster, 'c1', ['PUT', 'x', 'first'])

    await lab.chapter('A normal GET')
    await op(cluster, 'c2', ['GET', 'x'])

    await lab.chapter('s3 falls behind: the link from the leader to s3 now takes 3 s')
    cluster.configureLink('s1', 's3', { latency: 3000 }, { oneWay: true })
    await lab.say('c1 writes x again; the leader cannot answer PUT_OK until s3 acknowledges, 3 s from now.')
    for (const line of ['PUT', 'x', 'second']) cluster.input('c1', line)
    await lab.say('Meanwhile c2 keeps reading x from random servers.')
    let refused = false
    for (let i = 0; i < 25; i++) {
      const line = await op(cluster, 'c2', ['GET', 'x'])
      if (line.includes('TRY_OTHER_SERVER_OR_LATER')) {
        refused = true
        await lab.say('s3 still has the old value, and c2 has seen a newer one: s3 refuses rather than go back in time. c2 asks again.')
      } else if (refused) {
        await lab.say('Asked again, another server answers with the newest value.')
        break
      }
    }
    if (!refused) await lab.say('(With this seed c2 never landed on s3 while it lagged; try another --seed.)')

    await lab.chapter('s3 catches up and the PUT completes')
    await cluster.until(() => cluster.node('c1').console.length >= 2, { timeout: 10_000, what: "c1's second PUT_OK" })
    cluster.configureLink('s1', 's3', null, { oneWay: true })
    await op(cluster, 'c2', ['GET', 'x'])
  },
})
