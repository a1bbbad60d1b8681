// Tokens, a server's own reads and writes, partial reads, and bad input (spec rules 1–4, 10).
import { LIMITS } from '../../assignments/http-store/messages.ts'
import type { GraderTest } from '../harness/defineGrader.ts'
import { authorized, CONFIG, Http, OTHER, USERS, show, storeCluster, valuesOf } from './store.ts'

export const auth: GraderTest = {
  name: 'auth',
  title: 'POST /auth gives a token for right credentials only; data requests need it (401 without, 403 for another cluster\'s); it is never echoed',
  points: 3,
  async run(t) {
    const cluster = await storeCluster(t, 2, { extra: [{ name: 'x1', role: 'server', address: '10.0.9.1:8080', config: OTHER }] })
    const http = new Http(cluster)
    await cluster.sleep(1000)
    const token = await http.token('s1')
    t.check(token !== null, 'POST /auth with the right login and password answers 200 with {"token": ...}')
    const wrong = await http.request('s1', 'POST', '/auth', { body: JSON.stringify({ login: 'alice', password: 'nope' }) })
    t.check(wrong?.status === 401, 'a wrong password gets 401', show(wrong))
    const stranger = await http.request('s1', 'POST', '/auth', { body: JSON.stringify({ login: 'mallory', password: USERS.alice }) })
    t.check(stranger?.status === 401, 'an unknown login gets 401', show(stranger))
    const missing = await http.request('s1', 'PUT', '/db/users/k1', { body: '1' })
    t.check(missing?.status === 401, 'a set without a token gets 401', show(missing))
    const missingGet = await http.request('s1', 'GET', '/db/users/k1')
    t.check(missingGet?.status === 401, 'a get without a token gets 401', show(missingGet))
    const junk = await http.request('s1', 'PUT', '/db/users/k1', { body: '1', headers: { authorization: 'Bearer not-a-token' } })
    t.check(junk?.status === 401 || junk?.status === 403, 'a set with a made-up token is refused (401 or 403)', show(junk))
    const elsewhere = await http.token('x1')
    t.check(elsewhere !== null, "the other cluster's server gives its own token")
    const foreign = await http.set('s1', elsewhere, 'users', 'k1', 1)
    t.check(foreign?.status === 403, "a token another cluster issued gets 403", show(foreign))
    const stored = await http.set('s2', token, 'users', 'k1', { n: 1 })
    t.check(stored?.status === 201, 'a token one server issued is taken by another server of the cluster', show(stored))
    const read = await http.get('s1', token, 'users', ['k1'])
    const answers = [stored, read, foreign, junk, missing, wrong]
    const secret = [token, elsewhere].filter((s): s is string => s !== null)
    t.check(!answers.some((a) => secret.some((s) => a?.body.includes(s))), 'no answer but /auth\'s holds a token', answers.map(show).join(' | '))
    const lines = ['s1', 's2', 'x1'].flatMap((n) => cluster.node(n).console)
    const leaked = lines.filter((l) => [...secret, USERS.alice, CONFIG.secret, OTHER.secret].some((s) => l.includes(s)))
    t.check(leaked.length === 0, 'no console line of any server shows a token, a password or the secret', leaked.join(' | '))
  },
}

export const setGet: GraderTest = {
  name: 'set-get',
  title: 'PUT /db/DB/KEY stores a JSON value (201) and GET /db/DB/KEY gives it back as stored; a later set replaces it',
  points: 2,
  async run(t) {
    const { http, token } = await authorized(t, 1)
    const values: Record<string, unknown> = { obj: { name: 'Ada', langs: ['en', 'fr'], n: 1.5 }, arr: [1, 'two', null], str: 'hello world', num: -42, yes: true, nil: null }
    for (const [key, value] of Object.entries(values)) {
      const answer = await http.set('s1', token, 'things', key, value)
      t.check(answer?.status === 201, `set things ${key} answers 201`, show(answer))
    }
    const got = valuesOf(await http.get('s1', token, 'things', Object.keys(values)))
    t.equal(got.status, 200, 'a get of the six keys answers 200')
    t.equal(got.values, values, 'each value comes back exactly as it was stored (object, array, string, number, true, null)')
    await http.set('s1', token, 'things', 'num', 7)
    t.equal(valuesOf(await http.get('s1', token, 'things', ['num'])).values, { num: 7 }, 'a second set of a key replaces its value')
    t.equal(valuesOf(await http.get('s1', token, 'other', ['num'])).status, 404, 'dbs are separate: the key is not in another db (404)')
  },
}

export const partialGet: GraderTest = {
  name: 'partial-get',
  title: 'GET of key1&key2 answers what exists and names what does not (200); 404 only when no key exists',
  points: 2,
  async run(t) {
    const { http, token } = await authorized(t, 2, { settleMs: 1000 })
    await http.set('s1', token, 'users', 'p1', 'one')
    await http.set('s1', token, 'users', 'p2', { two: 2 })
    const some = valuesOf(await http.get('s1', token, 'users', ['p1', 'p2', 'p3']))
    t.equal(some, { status: 200, values: { p1: 'one', p2: { two: 2 } }, missing: ['p3'] }, 'p1&p2&p3 answers 200 with the values of p1 and p2 and names p3 as missing')
    const none = valuesOf(await http.get('s1', token, 'users', ['p3', 'p4']))
    t.equal({ status: none.status, missing: none.missing }, { status: 404, missing: ['p3', 'p4'] }, 'p3&p4, both missing everywhere, answers 404 naming both')
  },
}

const BAD_NAMES = ['..', '%2E%2E', '.hidden', 'a%2Fb', '%2Fetc', 'nul%00x', 'x'.repeat(LIMITS.nameBytes + 1), 'sp%20ace']

export const badInput: GraderTest = {
  name: 'bad-input',
  title: 'Bad JSON, bad db or key names (.., /, NUL, too long), oversized bodies, unknown paths: a clear 4xx, nothing stored, the server still serving',
  points: 2,
  async run(t) {
    const { http, token } = await authorized(t, 1)
    const notJson = await http.request('s1', 'PUT', '/db/users/k', { token, body: '{bad json' })
    t.check(notJson?.status === 400, 'a value that is not JSON gets 400', show(notJson))
    t.check(typeof (notJson?.json as { error?: unknown } | undefined)?.error === 'string', 'an error answer is JSON with an "error" sentence', show(notJson))
    t.equal(valuesOf(await http.get('s1', token, 'users', ['k'])).status, 404, 'nothing was stored for it')
    for (const bad of BAD_NAMES) {
      const asDb = await http.request('s1', 'PUT', `/db/${bad}/k`, { token, body: '1' })
      const asKey = await http.request('s1', 'PUT', `/db/users/${bad}`, { token, body: '1' })
      t.check(asDb?.status === 400 && asKey?.status === 400, `the name '${decodeURIComponent(bad).replace('\0', '\\0').slice(0, 20)}' is refused with 400 as a db and as a key`, `${show(asDb)} | ${show(asKey)}`)
    }
    const big = await http.request('s1', 'PUT', '/db/users/big', { token, body: JSON.stringify('x'.repeat(LIMITS.bodyBytes + 10)) })
    t.check(big?.status === 413, `a body over ${LIMITS.bodyBytes} bytes gets 413`, show(big))
    const unknown = await http.request('s1', 'GET', '/frobnicate', { token })
    t.check(unknown?.status === 404, 'an unknown path gets 404', show(unknown))
    const unknownBig = await http.request('s1', 'POST', '/frobnicate', { token, body: 'x'.repeat(LIMITS.bodyBytes + 10) })
    t.check(unknownBig?.status === 404, 'an unknown path gets 404 even with a body over the limit (the path is checked first)', show(unknownBig))
    const method = await http.request('s1', 'DELETE', '/db/users/k', { token })
    t.check(method?.status === 405, 'a method the path does not take gets 405', show(method))
    const badAuth = await http.request('s1', 'POST', '/auth', { body: 'login=alice' })
    t.check(badAuth?.status === 400, 'an /auth body that is not JSON gets 400', show(badAuth))
    const after = await http.set('s1', token, 'users', 'still', 'ok')
    t.check(after?.status === 201 && valuesOf(await http.get('s1', token, 'users', ['still'])).values.still === 'ok', 'the server still serves after all that', show(after))
  },
}
