// The seed's console client (spec rules 14–16): auth, set with JSON, -r and -f, get of key1&key2,
// errors in a line of their own, a dead first server skipped, and the token never printed.
import type { GraderTest } from '../harness/defineGrader.ts'
import { Http, USERS, addressOf, storeCluster, valuesOf } from './store.ts'

/** The lines the client printed after the first `from` of them, once `n` are there (bounded wait). */
async function linesAfter(cluster: import('../../runtime/index.ts').Cluster, from: number, n: number, within: number): Promise<string[]> {
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
    const cluster = await storeCluster(t, 2, {
      // The first server it knows is nobody: it must go on to the next.
      extra: [{ name: 'c', role: 'client', address: '10.0.5.1', config: { servers: ['10.0.0.9:8080', addressOf(1)], login: 'alice', password: USERS.alice } }],
    })
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
      ['exit', ['bye']],
    ]
    for (const [line, expected] of typed) {
      const from = cluster.node('c').console.length
      cluster.input('c', line)
      // A line with no fixed answer still prints one line saying what was wrong.
      const got = await linesAfter(cluster, from, Math.max(1, expected.length), 8000)
      if (expected.length === 0) t.check(got.length === 1 && got[0] !== undefined && got[0].length > 0, `'${line}' gets one line saying what is wrong`, got.join(' | ') || 'nothing printed')
      else t.equal(got, expected, `'${line}' prints ${expected.map((l) => JSON.stringify(l)).join(', ')}`)
    }
    const http = new Http(cluster)
    const token = await http.token('s2')
    t.equal(valuesOf(await http.get('s2', token, 'users', ['broken'])).status, 404, "the value that was not JSON was not sent: 'broken' is stored nowhere")
    const from = cluster.node('c').console.length
    cluster.input('c', 'auth')
    const after = await linesAfter(cluster, from, 1, 3000)
    t.check(after.length === 0, 'after exit the client reads nothing more', after.join(' | '))
    const lines = cluster.node('c').console
    t.check(!lines.some((l) => l.includes(USERS.alice) || /[0-9a-f]{16,}/.test(l)), 'the client never prints its password or token', lines.join(' | '))
  },
}
