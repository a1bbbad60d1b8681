// The http-store story (seed 003): servers form a cluster with mkcluster, the seed's console client
// authenticates and writes, writes spread, a late joiner finds old keys through a chained read and
// caches them, two clients race on one key and every server settles on one value, a server crashes
// mid-write (its torn record is cut off at restart), and a dead member leaves the list and returns.
import { httpSecrets, type Cluster } from '../../runtime/index.ts'
import { defineScenario } from '../../lab/scenario/defineScenario.ts'
import { Http, valuesOf } from './driver.ts'
import { DEMO_CLUSTER, DEMO_LOGIN, TIMING } from './messages.ts'

const address = (i: number): string => `10.0.0.${i}:8080`

/** Types a line at the client's console and waits for its answer (`lines` of them). */
async function typed(cluster: Cluster, line: string, lines = 1): Promise<string[]> {
  const before = cluster.node('c').console.length
  cluster.input('c', line)
  await cluster.until(() => cluster.node('c').console.length >= before + lines, { timeout: 10_000, what: `the client's answer to '${line}'` })
  return cluster.node('c').console.slice(before)
}

export default defineScenario({
  title: 'http-store: a cluster over HTTP with tokens, a durable log and chained reads',
  description:
    'Four servers (s1..s4) and the console client c. s2 joins s1 with mkcluster, s3 joins by its config; c authenticates and writes. ' +
    "s4 joins late and finds an old key through a chained read, caching it. Two writes of one key race; s2 crashes mid-write and recovers its log; s3 dies, leaves the member lists after 2 s, and comes back.",
  async run(lab) {
    await lab.chapter('s1 starts alone; s2 joins it with mkcluster; s3 joins by its config')
    const cluster = await lab.cluster({
      network: { latency: [1, 4] },
      secrets: httpSecrets,
      tornWrites: { withinMs: 100 },
      nodes: [
        { name: 's1', role: 'server', address: address(1), config: DEMO_CLUSTER },
        { name: 's2', role: 'server', address: address(2), config: DEMO_CLUSTER },
        { name: 's3', role: 'server', address: address(3), config: { ...DEMO_CLUSTER, join: address(1) } },
        { name: 's4', role: 'server', address: address(4), config: { ...DEMO_CLUSTER, join: address(2) }, start: false },
        { name: 'c', role: 'client', address: '10.0.5.1', config: { servers: [address(2), address(1)], ...DEMO_LOGIN } },
      ],
    })
    cluster.input('s2', `mkcluster ${address(1)}`)
    await cluster.sleep(1000)
    const http = new Http(cluster, { [DEMO_LOGIN.login]: DEMO_LOGIN.password })
    const token = (await http.token('s1')) ?? ''
    await lab.say(`s1's members: ${(await http.members('s1', token))?.join(', ')} (the token in the Authorization header shows as «secret» in the trace)`)

    await lab.chapter("The seed's console client: auth, set, and a get of two keys, one of them missing")
    for (const [line, n] of [['auth', 1], ['set users alice={"name": "Alice", "langs": ["en", "ru"]}', 1], ['set -r users motto=keep it simple', 1], ['get users alice&bob', 2]] as const) {
      const lines = await typed(cluster, line, n)
      await lab.say(`c> ${line}  →  ${lines.join(' / ')}`)
    }
    await lab.say('bob is named as not found while alice is answered: one missing key does not make the whole get a 404 (the seed returned 404).')

    await lab.chapter('The write reached every server: each answers alone, cut off from the others')
    await cluster.sleep(500)
    for (const name of ['s1', 's2', 's3']) {
      cluster.isolate(name)
      const held = valuesOf(await http.get(name, token, 'users', ['alice']))
      cluster.reconnect(name)
      await lab.say(`${name} alone: ${JSON.stringify(held.values.alice)}`)
    }

    await lab.chapter('s4 joins late: it finds alice through a chained read and keeps it on the way back')
    cluster.start('s4')
    await cluster.sleep(1000)
    const chained = valuesOf(await http.get('s4', token, 'users', ['alice']))
    await lab.say(`GET /db/users/alice at s4: ${chained.status} ${JSON.stringify(chained.values)} (s4 asked the next server; see the chain machine's states in the trace)`)
    cluster.isolate('s4')
    const cached = valuesOf(await http.get('s4', token, 'users', ['alice']))
    cluster.reconnect('s4')
    await lab.say(`s4 alone now: ${cached.status} ${JSON.stringify(cached.values)}: cached`)

    await lab.chapter('Two writes of one key at the same instant, at s1 and at s2')
    await Promise.all([http.set('s1', token, 'race', 'winner', 'written at s1'), http.set('s2', token, 'race', 'winner', 'written at s2')])
    await cluster.sleep(1000)
    const views = await Promise.all(['s1', 's2', 's3', 's4'].map(async (n) => `${n}: ${JSON.stringify(valuesOf(await http.get(n, token, 'race', ['winner'])).values.winner)}`))
    await lab.say(`${views.join(', ')}: every server keeps the later stamp (wall ms, counter, then the writer's address breaks the tie)`)

    await lab.chapter('s2 crashes while a big write is on its way to disk, and restarts')
    void http.set('s2', token, 'big', 'blob', { pad: 'x'.repeat(12_000) }).catch(() => null)
    await cluster.sleep(4)
    cluster.crash('s2')
    cluster.restart('s2')
    await cluster.sleep(100)
    await lab.say(`s2 says: "${cluster.node('s2').console.filter((l) => l.startsWith('store.log')).at(-1)}"; the blob was never acknowledged, so losing it breaks no promise`)
    const after = valuesOf(await http.get('s2', token, 'users', ['alice']))
    await lab.say(`s2 still has alice: ${JSON.stringify(after.values.alice)}`)

    await lab.chapter(`s3 dies: after ${TIMING.deadAfterMs / 1000} s without an answer the others drop it, and take it back when it returns`)
    cluster.crash('s3')
    await cluster.sleep(TIMING.deadAfterMs + TIMING.pingMs + 200)
    await lab.say(`s1's members: ${(await http.members('s1', token))?.join(', ')}`)
    await http.set('s1', token, 'users', 'carol', 'written while s3 was down')
    cluster.restart('s3')
    await cluster.sleep(2 * TIMING.pingMs + 500)
    await lab.say(`s1's members: ${(await http.members('s1', token))?.join(', ')}`)
    cluster.isolate('s3')
    const missed = valuesOf(await http.get('s3', token, 'users', ['carol']))
    cluster.reconnect('s3')
    await lab.say(`s3 alone has carol: ${JSON.stringify(missed.values.carol)} (s1 resent the write it had not acknowledged)`)
    const bye = await typed(cluster, 'exit')
    await lab.say(`c> exit  →  ${bye.join(' / ')}`)
  },
})
