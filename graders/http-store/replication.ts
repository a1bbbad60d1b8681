// Writes spread once to every member, reads chained through nodes that lack a key (and cached on
// the way back), bounded reads, and concurrent writes settling on one value (spec rules 5–8).
import { TIMING } from '../../assignments/http-store/messages.ts'
import type { Cluster } from '../../runtime/index.ts'
import type { GraderTest } from '../harness/defineGrader.ts'
import type { TestContext } from '../harness/TestContext.ts'
import { authorized, type Http, server, serverRequestsMentioning, show, untilMembers, valuesOf } from './store.ts'

/** A chained read on a quiet network: a few hops of a few ms each, and then some. */
const QUIET_CHAIN_MS = 500

/** What each server holds for `keys` on its own: each is cut off from the other servers while asked. */
async function heldAlone(cluster: Cluster, http: Http, token: string, servers: number[], db: string, keys: string[]): Promise<Record<string, Record<string, unknown>>> {
  const held: Record<string, Record<string, unknown>> = {}
  for (const i of servers) {
    cluster.isolate(server(i))
    held[server(i)] = valuesOf(await http.get(server(i), token, db, keys)).values
    cluster.reconnect(server(i))
  }
  return held
}

/** A cluster of n servers that all list each other, and a token. */
async function settled(t: TestContext, n: number): Promise<{ cluster: Cluster; http: Http; token: string }> {
  const { cluster, http, token } = await authorized(t, n)
  const all = Array.from({ length: n }, (_, i) => i + 1)
  const seen = await untilMembers(http, cluster, token, all, all, 5000)
  t.check(all.every((i) => seen[server(i)]?.length === n), `the ${n} servers, joining through s1, all list each other within 5 s`, JSON.stringify(seen))
  return { cluster, http, token }
}

export const propagation: GraderTest = {
  name: 'propagation',
  title: 'A set at one server reaches every member on its own (propagated once, not forwarded again)',
  points: 2,
  async run(t) {
    const { cluster, http, token } = await settled(t, 4)
    const mark = cluster.records.length
    const answer = await http.set('s2', token, 'users', 'prop-k7', { v: 1 })
    t.check(answer?.status === 201, 'the set at s2 answers 201', show(answer))
    await cluster.sleep(1000)
    const held = await heldAlone(cluster, http, token, [1, 2, 3, 4], 'users', ['prop-k7'])
    t.check(Object.values(held).every((h) => JSON.stringify(h['prop-k7']) === '{"v":1}'), 'within 1 s every server holds the value itself (asked while cut off from the others)', JSON.stringify(held))
    const sent = serverRequestsMentioning(cluster, mark, 'prop-k7')
    t.check(sent <= 2 * 3, `on a quiet network the write crosses between servers at most twice per member (${sent} requests): a receiver does not propagate it again`, `${sent} server-to-server requests carried prop-k7`)
  },
}

export const chainedGet: GraderTest = {
  name: 'chained-get',
  title: 'A server that lacks a key asks the others in a chain; the value comes back and is cached on the way; each server asked at most once',
  points: 3,
  async run(t) {
    const { cluster, http, token } = await authorized(t, 5, { down: [4, 5] })
    await cluster.sleep(1000)
    await http.set('s1', token, 'users', 'old-k3', ['before', 'joins'])
    await cluster.sleep(1000)
    cluster.start('s4')
    cluster.start('s5')
    const seen = await untilMembers(http, cluster, token, [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 5000)
    t.check(Object.values(seen).every((m) => m?.length === 5), 's4 and s5 join through s1 and all five list each other', JSON.stringify(seen))
    const mark = cluster.records.length
    const asking = cluster.now
    const got = valuesOf(await http.get('s4', token, 'users', ['old-k3']))
    t.equal(got.values, { 'old-k3': ['before', 'joins'] }, 's4, which joined after the write, finds old-k3 through the chain (200)')
    t.check(cluster.now - asking <= QUIET_CHAIN_MS, `on a quiet network the chained read answers within ${QUIET_CHAIN_MS} ms (took ${cluster.now - asking} ms): each hop answers as soon as the next has`, `${cluster.now - asking} ms`)
    const asked = serverRequestsMentioning(cluster, mark, 'old-k3')
    t.check(asked <= 4, `the chain asks each other server at most once (${asked} requests)`, `${asked} server-to-server requests for old-k3`)
    const cached = await heldAlone(cluster, http, token, [4], 'users', ['old-k3'])
    t.equal(cached.s4, { 'old-k3': ['before', 'joins'] }, 's4 cached the value on its way back: it answers alone')
    const mark2 = cluster.records.length
    const started = cluster.now
    const none = valuesOf(await http.get('s5', token, 'users', ['nobody-k9']))
    t.equal({ status: none.status, missing: none.missing }, { status: 404, missing: ['nobody-k9'] }, 'a key no server has answers 404 after the chain')
    const hops = serverRequestsMentioning(cluster, mark2, 'nobody-k9')
    t.check(hops <= 4, `the chain for a key nobody has visits each server at most once (${hops} requests): no loop`, `${hops} server-to-server requests for nobody-k9`)
    t.check(cluster.now - started <= TIMING.clientTimeoutMs, `and it answers within ${TIMING.clientTimeoutMs} ms`, `${cluster.now - started} ms`)
  },
}

export const boundedReads: GraderTest = {
  name: 'bounded-reads',
  title: 'A chained read never hangs on dead servers: it answers within the client time-out while members are dying',
  points: 2,
  async run(t) {
    const { cluster, http, token } = await settled(t, 4)
    cluster.crash('s2')
    cluster.crash('s3')
    const started = cluster.now
    const answer = await http.get('s1', token, 'users', ['ghost-k1'])
    const took = cluster.now - started
    t.check(answer !== null && (answer.status === 404 || answer.status === 200), 'a get at s1 right after s2 and s3 died is answered', show(answer))
    t.check(took <= TIMING.clientTimeoutMs, `within ${TIMING.clientTimeoutMs} ms (took ${took} ms)`, `${took} ms`)
    const stored = await http.set('s1', token, 'users', 'alive-k', 1)
    t.check(stored?.status === 201, 'and s1 still takes writes', show(stored))
    const read = valuesOf(await http.get('s4', token, 'users', ['alive-k']))
    t.equal(read.values, { 'alive-k': 1 }, 's4 still reads what s1 wrote')
  },
}

export const concurrentSets: GraderTest = {
  name: 'concurrent-sets',
  title: 'Two sets of one key at two servers at the same moment settle on the same value on every server; a later set wins',
  points: 2,
  async run(t) {
    const { cluster, http, token } = await settled(t, 3)
    const keys = ['cc-0', 'cc-1', 'cc-2', 'cc-3', 'cc-4']
    for (const key of keys) {
      const [a, b] = await Promise.all([http.set('s1', token, 'race', key, `${key} from s1`), http.set('s2', token, 'race', key, `${key} from s2`)])
      t.check(a?.status === 201 && b?.status === 201, `both sets of ${key} are acknowledged`, `${show(a)} | ${show(b)}`)
    }
    await http.set('s1', token, 'race', 'seq', 1)
    await cluster.sleep(200)
    await http.set('s3', token, 'race', 'seq', 2)
    await cluster.sleep(1500)
    const held = await heldAlone(cluster, http, token, [1, 2, 3], 'race', [...keys, 'seq'])
    const split = keys.filter((k) => new Set(Object.values(held).map((h) => JSON.stringify(h[k]))).size !== 1 || held.s1?.[k] === undefined)
    t.check(split.length === 0, 'every server holds the same value of each concurrently written key', `differ: ${split.map((k) => `${k}: ${Object.entries(held).map(([s, h]) => `${s}=${JSON.stringify(h[k])}`).join(' ')}`).join('; ')}`)
    t.check(Object.values(held).every((h) => h.seq === 2), 'a set made 200 ms after another wins on every server', JSON.stringify(held))
  },
}

