// Real mode (spec "On the wire"): two servers on loopback speak real HTTP, and a program outside
// the lab (Node's fetch, as curl would) gets the statuses and bodies spec.md promises.
import type { GraderTest } from '../harness/defineGrader.ts'
import { USERS, storeCluster } from './store.ts'

export const realHttp: GraderTest = {
  name: 'real-http',
  title: 'On real loopback sockets, fetch gets a token, sets at one server and reads the value at the other; 401 without a token',
  points: 1,
  timeLimit: 60_000,
  wallLimit: 30_000,
  async run(t) {
    const cluster = await storeCluster(t, 2, { mode: 'real', transport: 'http', records: false })
    // Time runs while programs outside the lab talk to the servers, not only while the test waits.
    cluster.serve().catch(() => undefined)
    const at = (name: string): string => `http://${cluster.sockets.find((s) => s.name === name)?.real ?? '127.0.0.1:1'}`
    const call = async (url: string, init: RequestInit = {}): Promise<{ status: number; json: Record<string, unknown> }> => {
      try {
        const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })
        const text = await response.text()
        let json: Record<string, unknown> = {}
        try {
          json = JSON.parse(text) as Record<string, unknown>
        } catch {
          // not JSON: the checks below say so
        }
        return { status: response.status, json }
      } catch (err) {
        return { status: 0, json: { error: (err as Error).message } }
      }
    }
    const auth = await call(`${at('s1')}/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'alice', password: USERS.alice }) })
    const token = typeof auth.json.token === 'string' ? auth.json.token : null
    t.check(auth.status === 200 && token !== null, 'POST /auth over real HTTP answers 200 with a token', JSON.stringify(auth))
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const set = await call(`${at('s1')}/db/users/real-k`, { method: 'PUT', headers, body: JSON.stringify({ over: 'http' }) })
    t.check(set.status === 201, 'PUT /db/users/real-k answers 201', JSON.stringify(set))
    let got = await call(`${at('s2')}/db/users/real-k`, { headers })
    for (let i = 0; i < 20 && got.status !== 200; i++) {
      await cluster.sleep(100)
      got = await call(`${at('s2')}/db/users/real-k`, { headers })
    }
    t.equal(got.json.values, { 'real-k': { over: 'http' } }, 'GET at the other server gives the value (200)')
    const bare = await call(`${at('s2')}/db/users/real-k`)
    t.check(bare.status === 401, 'without a token: 401', JSON.stringify(bare))
  },
}
