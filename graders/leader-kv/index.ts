// The leader-kv grader: the professor's test of seed 001 §7 and the rules of §5, 10 points.
// Points: replication and acknowledgement rules weigh most (PUT_OK after every ack: 2), each
// other rule 1. Tests 1–7 speak the protocol directly through the grader's client `g` so they can
// aim at one server; tests 8–9 drive the client machines through their consoles.
import type { Cluster, TraceRecord } from '../../runtime/index.ts'
import type { Delivered as Received } from 'distlab/node'
import type { GetOk, PutOk, TryOtherServerOrLater } from '../../assignments/leader-kv/messages.ts'
import { defineGrader } from '../harness/defineGrader.ts'
import type { TestContext } from '../harness/TestContext.ts'
import { checkClientHistories } from './history.ts'
import { FOLLOWERS, LEADER, SERVERS, addressOf, consoleOp, initLines, nameOf, startKv, type Kv } from './kvCluster.ts'
import { expectedConsoles, firstDifference, type Op } from './transcript.ts'

/** How long the leader's REPLICATION takes to reach s3 in try-other-server. */
const LAG = 3000

type Sent = Extract<TraceRecord, { kind: 'send' }>
type Delivered = Extract<TraceRecord, { kind: 'deliver' }>

async function put(t: TestContext, kv: Kv, server: string, key: string, value: string, timeout = 3000): Promise<Received<PutOk>> {
  const answer = await kv.g.call<PutOk>(server, { type: 'PUT', key, value }, { timeout })
  t.check(answer.type === 'PUT_OK', `a PUT sent to ${server} is answered with PUT_OK`, `got ${answer.type}`)
  t.check(answer.key === key && Number.isInteger(answer.ts) && answer.ts > 0, `PUT_OK from ${server} names the key and carries a positive integer timestamp`, JSON.stringify(answer))
  return answer
}

async function get(kv: Kv, server: string, key: string, ts: number): Promise<GetOk | TryOtherServerOrLater> {
  return kv.g.call<GetOk | TryOtherServerOrLater>(server, { type: 'GET', key, ts }, { timeout: 3000 })
}

async function expectValue(t: TestContext, kv: Kv, server: string, key: string, ts: number, value: string | null, serverTs: number, sentence: string): Promise<void> {
  const answer = await get(kv, server, key, ts)
  t.equal({ type: answer.type, value: answer.type === 'GET_OK' ? answer.value : undefined, ts: answer.ts }, { type: 'GET_OK', value, ts: serverTs }, sentence)
}

const sends = (cluster: Cluster, node: string, type: string): Sent[] => cluster.records.filter((r): r is Sent => r.kind === 'send' && r.node === node && r.msg.type === type)
const deliveries = (cluster: Cluster, node: string, type: string): Delivered[] => cluster.records.filter((r): r is Delivered => r.kind === 'deliver' && r.node === node && r.msg.type === type)

/** The leader sent PUT_OK only after REPLICATION_OK from every follower had arrived. */
function checkAckOrder(t: TestContext, cluster: Cluster, ts: number): void {
  const putOk = sends(cluster, LEADER, 'PUT_OK').find((r) => (r.msg as PutOk).ts === ts)
  if (!putOk) return t.fail(`the leader sends PUT_OK for ts ${ts}`)
  for (const follower of FOLLOWERS) {
    const ack = deliveries(cluster, LEADER, 'REPLICATION_OK').find((r) => r.from === follower && (r.msg as { ts?: number }).ts === ts)
    t.check(ack !== undefined && ack.seq < putOk.seq, `the leader sends PUT_OK only after REPLICATION_OK from ${follower} arrived`, ack ? `PUT_OK left at t=${putOk.t} ms, ${follower}'s ack arrived at t=${ack.t} ms` : `no REPLICATION_OK for ts ${ts} from ${follower} reached the leader before the PUT_OK at t=${putOk.t} ms`)
  }
}

export default defineGrader({
  assignment: 'leader-kv',
  tests: [
    {
      name: 'put-at-leader',
      title: 'a PUT at the leader is replicated to both followers and acknowledged with its timestamp',
      points: 1,
      async run(t) {
        const kv = await startKv(t, { records: true })
        const ok = await put(t, kv, LEADER, 'x', 'v1')
        t.equal(ok.value, 'v1', 'PUT_OK echoes the value')
        for (const follower of FOLLOWERS) {
          const replicated = deliveries(kv.cluster, follower, 'REPLICATION').some((r) => {
            const msg = r.msg as { key?: unknown; value?: unknown; ts?: unknown }
            return msg.key === 'x' && msg.value === 'v1' && msg.ts === ok.ts
          })
          t.check(replicated, `${follower} receives REPLICATION { key, value, ts } with the PUT_OK's timestamp`)
          await expectValue(t, kv, follower, 'x', ok.ts, 'v1', ok.ts, `${follower} stores the replicated value and timestamp`)
        }
      },
    },
    {
      name: 'put-forwarded',
      title: 'a follower forwards a PUT to the leader and relays the PUT_OK to the client',
      points: 1,
      async run(t) {
        const kv = await startKv(t, { records: true })
        const ok = await put(t, kv, 's2', 'y', 'v2')
        t.check(ok.from === addressOf('s2'), 'the PUT_OK comes back from the server the client asked', `it came from ${nameOf(ok.from)}`)
        t.check(sends(kv.cluster, 's2', 'PUT').length === 1, 's2 forwards the PUT to the leader', `s2 sent ${sends(kv.cluster, 's2', 'PUT').length} PUT messages`)
        t.check(sends(kv.cluster, 's2', 'REPLICATION').length === 0, 'a follower never replicates by itself')
        t.check(sends(kv.cluster, LEADER, 'REPLICATION').length === 2, 'the leader replicates the forwarded PUT to both followers')
        for (const server of SERVERS) await expectValue(t, kv, server, 'y', ok.ts, 'v2', ok.ts, `${server} holds the forwarded PUT`)
      },
    },
    {
      name: 'put-ok-after-all-acks',
      title: 'PUT_OK only after REPLICATION_OK from every follower, even when one is slow',
      points: 2,
      async run(t) {
        const kv = await startKv(t, { records: true })
        kv.cluster.configureLink(LEADER, 's3', { latency: 1500 }, { oneWay: true })
        const start = kv.cluster.now
        const ok = await put(t, kv, LEADER, 'z', 'slow', 6000)
        t.check(kv.cluster.now - start >= 1500, 'the client waits for the slow follower: PUT_OK arrives after its replication', `PUT_OK arrived after ${kv.cluster.now - start} ms; replication to s3 takes 1500 ms`)
        checkAckOrder(t, kv.cluster, ok.ts)
        kv.cluster.configureLink(LEADER, 's3', null, { oneWay: true })
        kv.cluster.configureLink(LEADER, 's2', { latency: 1500 }, { oneWay: true })
        const forwarded = await put(t, kv, 's3', 'z', 'slow-again', 6000)
        checkAckOrder(t, kv.cluster, forwarded.ts)
      },
    },
    {
      name: 'get-latest',
      title: 'every server answers GET with the latest value and its timestamp',
      points: 1,
      async run(t) {
        const kv = await startKv(t)
        const first = await put(t, kv, LEADER, 'k', 'a')
        const second = await put(t, kv, 's3', 'k', 'b')
        t.check(second.ts > first.ts, 'a later PUT of a key gets a larger timestamp', `ts ${first.ts} then ${second.ts}`)
        for (const server of SERVERS) {
          await expectValue(t, kv, server, 'k', 0, 'b', second.ts, `${server} answers a GET with timestamp 0 with the latest value`)
          await expectValue(t, kv, server, 'k', second.ts, 'b', second.ts, `${server} answers a GET with the latest timestamp with the latest value`)
        }
      },
    },
    {
      name: 'get-missing',
      title: 'GET of a key nobody wrote answers NULL with timestamp 0',
      points: 1,
      async run(t) {
        const kv = await startKv(t)
        await put(t, kv, LEADER, 'present', 'p')
        for (const server of SERVERS) await expectValue(t, kv, server, 'absent', 0, null, 0, `${server} answers NULL (value null) with timestamp 0 for a missing key`)
      },
    },
    {
      name: 'try-other-server',
      title: 'a lagging follower answers TRY_OTHER_SERVER_OR_LATER, never an older value; the client shows it and goes on',
      points: 1,
      async run(t) {
        const kv = await startKv(t, { clients: 1 })
        kv.cluster.configureLink(LEADER, 's3', { latency: LAG }, { oneWay: true })
        const writer = kv.cluster.client('w', { address: '127.0.0.1:55001', role: 'grader' })
        const started = kv.cluster.now
        const pending = writer.call<PutOk>(LEADER, { type: 'PUT', key: 'q', value: 'new' }, { timeout: 2 * LAG })
        await kv.cluster.sleep(100)
        const fresh = await get(kv, 's2', 'q', 0)
        t.check(fresh.type === 'GET_OK' && fresh.value === 'new' && fresh.ts > 0, 's2 already serves the value being replicated', JSON.stringify(fresh))
        const lagging = await get(kv, 's3', 'q', fresh.ts)
        t.equal(lagging.type, 'TRY_OTHER_SERVER_OR_LATER', 's3, which has not received the REPLICATION yet, answers TRY_OTHER_SERVER_OR_LATER to a client that has seen it')
        t.check(lagging.ts < fresh.ts, 'TRY_OTHER_SERVER_OR_LATER carries the server\'s own, older timestamp', `s3 sent ts ${lagging.ts}`)
        // Only the other servers' REPLICATION_OKs count: a stranger's, even for this very PUT, does not.
        kv.g.send(LEADER, { type: 'REPLICATION_OK', key: 'q', ts: fresh.ts })
        await consoleMeetsLaggingServer(t, kv, fresh.ts)
        const ok = await pending
        t.check(kv.cluster.now - started >= LAG, `the leader answers PUT_OK only once every server acknowledged the REPLICATION (s3's link lags ${LAG} ms); a REPLICATION_OK from someone else does not count`, `PUT_OK came after ${kv.cluster.now - started} ms`)
        await expectValue(t, kv, 's3', 'q', fresh.ts, 'new', ok.ts, 'once replicated, s3 serves the value')
      },
    },
    {
      name: 'concurrent-puts',
      title: 'concurrent PUTs from three clients are serialized by the leader: none lost, all servers agree',
      points: 1,
      async run(t) {
        const kv = await startKv(t, { network: { latency: [1, 20] } })
        const writers = ['a', 'b', 'c'].map((name, i) => kv.cluster.client(name, { address: `127.0.0.1:5510${i}`, role: 'grader' }))
        const acks: PutOk[] = []
        await Promise.all(
          writers.map(async (writer) => {
            for (let i = 0; i < 4; i++) {
              const server = t.rng.pick(SERVERS)
              const key = t.rng.pick(['k1', 'k2'])
              const ack = await writer.call<PutOk>(server, { type: 'PUT', key, value: `${writer.name}${i}` }, { timeout: 3000 })
              t.check(ack.type === 'PUT_OK', `every concurrent PUT is acknowledged (${writer.name}'s PUT ${i} to ${server})`, `got ${ack.type}`)
              acks.push(ack)
            }
          }),
        )
        const stamps = acks.map((a) => a.ts)
        t.check(new Set(stamps).size === stamps.length, 'the leader gives every PUT its own timestamp', `timestamps: ${stamps.join(', ')}`)
        for (const key of ['k1', 'k2']) {
          const last = acks.filter((a) => a.key === key).sort((x, y) => y.ts - x.ts)[0]
          if (!last) continue
          for (const server of SERVERS) await expectValue(t, kv, server, key, 0, last.value, last.ts, `${server} ends with the value of the last PUT of ${key}`)
        }
      },
    },
    {
      name: 'monotonic-reads',
      title: 'three console clients under random delays never read older than they have seen',
      points: 1,
      async run(t) {
        const kv = await startKv(t, { clients: 3, network: { latency: [1, 60] } })
        // INIT prints nothing: its lines are typed ahead, and the client reads them first.
        for (const client of kv.clients) for (const line of initLines()) kv.cluster.input(client, line)
        let written = 0
        await Promise.all(
          kv.clients.map(async (client) => {
            const rng = t.rng.fork(client)
            for (let i = 0; i < 10; i++) {
              const key = rng.pick(['a', 'b'])
              if (rng.chance(0.4)) await consoleOp(kv.cluster, client, ['PUT', key, `${client}-${written++}`], `PUT ${key}`)
              else await consoleOp(kv.cluster, client, ['GET', key], `GET ${key}`)
            }
          }),
        )
        const consoles = Object.fromEntries(kv.clients.map((c) => [c, kv.cluster.node(c).console]))
        const problem = checkClientHistories(consoles)
        if (problem) t.fail(problem.sentence, problem.detail)
      },
    },
    {
      name: 'console-transcript',
      title: 'servers and clients print exactly the console lines of the seed, no more, no less',
      points: 1,
      async run(t) {
        const kv = await startKv(t, { clients: 3, records: true, network: { latency: 3 } })
        const { cluster } = kv
        const ops: Op[] = []
        const routed = (client: string, type: string): string => {
          const sent = cluster.records.filter((r): r is Sent => r.kind === 'send' && r.node === client && r.msg.type === type).at(-1)
          return sent ? sent.to : '?'
        }
        const doPut = async (client: string, key: string, value: string): Promise<void> => {
          const line = await consoleOp(cluster, client, ['PUT', key, value], `PUT ${key}=${value}`)
          const replicated = cluster.records.filter((r): r is Sent => r.kind === 'send' && r.node === LEADER && r.msg.type === 'REPLICATION').at(-1)
          const ts = (replicated?.msg as { ts?: number } | undefined)?.ts ?? Number(/timestamp (\d+)/.exec(line)?.[1] ?? 0)
          ops.push({ kind: 'put', client, key, value, server: routed(client, 'PUT'), ts })
        }
        const doGet = async (client: string, key: string): Promise<void> => {
          await consoleOp(cluster, client, ['GET', key], `GET ${key}`)
          ops.push({ kind: 'get', client, key, server: routed(client, 'GET') })
        }
        cluster.input('c1', 'INIT')
        for (const server of SERVERS) cluster.input('c1', addressOf(server))
        for (const line of ['INIT', '', '', '']) cluster.input('c2', line) // empty lines: the default ports
        await doPut('c1', 'k1', 'v1')
        await doGet('c2', 'k1')
        await doGet('c2', 'nothing')
        await doPut('c1', 'k1', 'v2')
        await doPut('c2', 'k2', 'w1')
        await doGet('c1', 'k1')
        await doGet('c2', 'k1')
        // Keep writing until both paths appeared: a PUT at the leader and one forwarded by a follower.
        for (let i = 0; i < 10 && !(ops.some((o) => o.kind === 'put' && o.server === LEADER) && ops.some((o) => o.kind === 'put' && o.server !== LEADER)); i++) {
          await doPut(i % 2 ? 'c2' : 'c1', 'k3', `x${i}`)
        }
        // c3 types like a person: a word that is no option, PUT before INIT, a bad address, INIT
        // twice (starting over), empty keys (asked again), and a GET typed while its PUT is in
        // flight (read once PUT_OK is in), of a key nobody wrote (NULL on the client's line too).
        // None of the rest prints a line of its own.
        const messy = ['HELLO', 'PUT', 'INIT', 'nowhere', addressOf('s1'), '', addressOf('s3'), 'INIT', ...SERVERS.map(addressOf), 'junk', 'PUT', '', 'k4', 'v4', 'GET', '', 'k5']
        for (const line of messy) cluster.input('c3', line)
        await cluster.until(() => cluster.node('c3').console.length >= 2, { timeout: 5000, what: 'c3 printing PUT_OK and the GET it typed while the PUT was in flight' })
        const replicated = cluster.records.filter((r): r is Sent => r.kind === 'send' && r.node === LEADER && r.msg.type === 'REPLICATION').at(-1)
        ops.push({ kind: 'put', client: 'c3', key: 'k4', value: 'v4', server: routed('c3', 'PUT'), ts: (replicated?.msg as { ts?: number } | undefined)?.ts ?? 0 })
        ops.push({ kind: 'get', client: 'c3', key: 'k5', server: routed('c3', 'GET') })
        await cluster.sleep(50)
        const expected = expectedConsoles(ops, [...SERVERS, ...kv.clients])
        for (const [node, lines] of Object.entries(expected)) {
          const difference = firstDifference(cluster.node(node).console, lines)
          if (difference) t.fail(`${node}'s console shows exactly the seed's lines for this session`, difference)
        }
      },
    },
  ],
})

/**
 * A console client, INITed with every server, types GET q until one of them reaches the lagging s3
 * after it has seen the new value (each GET goes to a server chosen at random): that GET prints
 * TRY_OTHER_SERVER_OR_LATER as the value, and the client goes back to its menu: the next GET typed
 * prints a GET line again.
 */
async function consoleMeetsLaggingServer(t: TestContext, kv: Kv, ts: number): Promise<void> {
  const { cluster } = kv
  for (const line of initLines()) cluster.input('c1', line)
  const refused = `GET key: q value: TRY_OTHER_SERVER_OR_LATER obtido do servidor ${addressOf('s3')}, meu timestamp ${ts} e do servidor 0`
  for (let attempt = 0; attempt < 60 && cluster.now < LAG - 200; attempt++) {
    const line = await consoleOp(cluster, 'c1', ['GET', 'q'], 'GET q')
    t.check(line.startsWith('GET key: q '), 'each GET typed at the client prints its GET line (after a refused read the client is back at its menu)', `got ${JSON.stringify(line)}`)
    if (!line.includes('TRY_OTHER_SERVER_OR_LATER')) continue
    t.equal(line, refused, "a GET that meets TRY_OTHER_SERVER_OR_LATER prints the GET line with that word as the value")
    const next = await consoleOp(cluster, 'c1', ['GET', 'q'], 'GET q after a refused read')
    t.check(next.startsWith('GET key: q value: '), 'after a refused read the client is back at its menu: the next GET prints its line', `got ${JSON.stringify(next)}`)
    return
  }
  t.fail('a client choosing servers at random meets the lagging s3 after seeing the new value within 60 GETs', 'no GET line showed TRY_OTHER_SERVER_OR_LATER')
}
