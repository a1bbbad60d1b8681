// The seed's console client (spec rules 14–16): auth, set with JSON, -r and -f, get of key1&key2,
// errors in a line of their own, a dead first server skipped, and the token never printed.
import type { GraderTest } from '../harness/defineGrader.ts'
import { TIMING } from '../../assignments/http-store/messages.ts'
import { SECRET_SHOWN, type Cluster } from '../../runtime/index.ts'
import { Http, USERS, addressOf, storeCluster, valuesOf } from './store.ts'

/** The runtime's default: a send to an address nobody listens at is refused after this long. */
const UNREACHABLE_AFTER_MS = 1000

/** The console client `c`, knowing first a server where nobody listens, then s1. */
const client = (servers: string[]): { name: string; role: string; address: string; config: object } => ({ name: 'c', role: 'client', address: '10.0.5.1', config: { servers, login: 'alice', password: USERS.alice } })

/** The lines the client printed after the first `from` of them, once `n` are there (bounded wait). */
async function linesAfter(cluster: Cluster, from: number, n: number, within: number): Promise<string[]> {
  const lines = (): readonly string[] => cluster.node('c').console.slice(from)
  try {
    await cluster.until(() => lines().length >= n, { timeout: within, what: `${n} client lines` })
  } catch (err) {
    if (cluster.failure) throw err
  }
  return [...lines()]
}

export const consoleClient: GraderTest = {
  name: 'client',
  title: "The console client: auth, set db key=json (-r: a string), get db k1&k2 line by line, clear errors, a dead first server skipped, exit",
  points: 2,
  async run(t) {
    // The first server it knows is nobody: it must go on to the next.
    const cluster = await storeCluster(t, 2, { extra: [client(['10.0.0.9:8080', addressOf(1)])] })
    await cluster.sleep(1000)
    const typed: Array<[string, string[]]> = [
      ['get users alice', ['not authorized: run auth first']],
      ['auth', [`authorized at ${addressOf(1)}`]],
      ['set users alice={"age": 36, "langs": ["en"]}', ['OK users alice']],
      ['set -r users motto=to be or not', ['OK users motto']],
      ['set users broken={oops', []],
      ['get users alice&motto&nobody', ['alice = {"age":36,"langs":["en"]}', 'motto = "to be or not"', 'nobody: not found']],
      ['get -r users motto', ['motto = to be or not']],
      ['frobnicate', []],
    ]
    for (const [line, expected] of typed) {
      const from = cluster.node('c').console.length
      cluster.input('c', line)
      // A line with no fixed answer still prints one line saying what was wrong.
      const got = await linesAfter(cluster, from, Math.max(1, expected.length), 8000)
      if (expected.length === 0) t.check(got.length === 1 && got[0] !== undefined && got[0].length > 0, `'${line}' gets one line saying what is wrong`, got.join(' | ') || 'nothing printed')
      else t.equal(got, expected, `'${line}' prints ${expected.map((l) => JSON.stringify(l)).join(', ')}`)
    }
    // Typed ahead: three lines at once (a blank one among them) are answered in order, once each.
    const ahead = cluster.node('c').console.length
    for (const line of ['set users ta=1', '', 'get users ta']) cluster.input('c', line)
    t.equal(await linesAfter(cluster, ahead, 3, 8000), ['OK users ta', 'ta = 1'], 'lines typed while a command is in flight are answered in order when it is done; a blank line prints nothing')
    const bye = cluster.node('c').console.length
    cluster.input('c', 'exit')
    t.equal(await linesAfter(cluster, bye, 1, 2000), ['bye'], "'exit' prints \"bye\"")
    const http = new Http(cluster)
    const token = await http.token('s2')
    t.equal(valuesOf(await http.get('s2', token, 'users', ['broken'])).status, 404, "the value that was not JSON was not sent: 'broken' is stored nowhere")
    const from = cluster.node('c').console.length
    cluster.input('c', 'auth')
    const after = await linesAfter(cluster, from, 1, 3000)
    t.check(after.length === 0, 'after exit the client reads nothing more', after.join(' | '))
    const lines = cluster.node('c').console
    // The runtime learned the token from the /auth answer and shows it as «secret» in the trace: a
    // console record holding that mark is a line that printed it, whatever the token looks like.
    const leaked = cluster.records.filter((r) => r.kind === 'console' && r.node === 'c' && r.line.includes(SECRET_SHOWN))
    t.check(!lines.some((l) => l.includes(USERS.alice)) && leaked.length === 0, 'the client never prints its password or token', lines.join(' | '))
  },
}

/** Types `line` and waits (bounded) for `n` lines; resolves with them and how long they took. */
async function timed(cluster: Cluster, line: string, n: number, within: number): Promise<{ lines: string[]; ms: number }> {
  const from = cluster.node('c').console.length
  const started = cluster.now
  cluster.input('c', line)
  const lines = await linesAfter(cluster, from, n, within)
  return { lines, ms: cluster.now - started }
}

export const clientFailover: GraderTest = {
  name: 'client-failover',
  title: "The client skips a server nobody listens at at once and a silent one after 3 s, waits for a slow answer, learns the members, and says when no server answers",
  points: 2,
  async run(t) {
    const cluster = await storeCluster(t, 3, { extra: [client(['10.0.0.9:8080', addressOf(1)])] })
    await cluster.sleep(1000)
    const auth = await timed(cluster, 'auth', 1, 6000)
    t.equal(auth.lines, [`authorized at ${addressOf(1)}`], "'auth' goes on from the address nobody listens at to s1")
    t.check(auth.ms <= UNREACHABLE_AFTER_MS + 1000, `it moves on as soon as the connection is refused, not after the 3 s time-out (took ${auth.ms} ms)`, `${auth.ms} ms`)
    await cluster.sleep(2 * TIMING.checkerMs + 500)
    t.equal((await timed(cluster, 'set users fo=1', 1, 6000)).lines, ['OK users fo'], 'a set after auth is acknowledged')
    // s2 dies: a chained read at s1 for a key nobody has may wait for it until its budget is spent.
    cluster.crash('s2')
    const slow = await timed(cluster, 'get users fo&nobody-x', 2, 8000)
    t.equal(slow.lines, ['fo = 1', 'nobody-x: not found'], 'a get whose chain meets a server that just died is waited for (the client waits 3 s), and shown as its own answer')
    const slowBound = TIMING.readBudgetMs + 500
    t.check(slow.ms <= slowBound, `s1's own answer is taken, not given up on before 3 s (answered in ${slow.ms} ms, at most ${slowBound})`, `${slow.ms} ms`)
    // s1 falls silent (cut off, not dead: nothing tells the client), s2 is dead: only the member
    // list the checker learned (s1, s2, s3) leads to s3.
    cluster.isolate('s1', { clients: true })
    const failover = await timed(cluster, 'get users fo', 1, 12_000)
    t.equal(failover.lines, ['fo = 1'], 'with s1 and s2 dead, the get is answered by s3, which the client knows only from the member list its checker fetched')
    const bound = TIMING.clientTimeoutMs + UNREACHABLE_AFTER_MS + 1500
    t.check(failover.ms <= bound, `a silent server is given up after the 3 s time-out (answered in ${failover.ms} ms, at most ${bound})`, `${failover.ms} ms`)
    cluster.crash('s3')
    cluster.crash('s1')
    const none = await timed(cluster, 'get users fo', 1, 4 * (TIMING.clientTimeoutMs + 1000))
    t.check(none.lines.length === 1 && (none.lines[0] ?? '').startsWith('error: no server answered'), "with every server dead, one line 'error: no server answered (...)'", none.lines.join(' | ') || 'nothing printed')
    t.equal((await timed(cluster, 'exit', 1, 2000)).lines, ['bye'], 'and the client still reads its console')
  },
}
