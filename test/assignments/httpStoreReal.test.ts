// "curl against a real-mode node behaves as spec.md says": http-store servers started the way a
// user starts them (`npm run node -- http-store server --address 127.0.0.1:PORT`, a second one with
// `--join`, a third of another cluster with `--secret`), asked with Node's fetch what the spec's
// curl examples ask ("On the wire (real mode)", the endpoint table, rules 1-4 and 10).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DEMO_CLUSTER, DEMO_LOGIN } from '../../assignments/http-store/messages.ts'
import { freePort, startNode, type NodeProcess } from '../lab/nodeProcess.ts'

const test = suite('http-store on real HTTP')

/** A process's cold start: tsx, the node's worker, its log read back (2 s on a quiet machine, 5 s on a busy one). */
const START_MS = 15_000
/** One request, and the replication poll (a chained read's budget is 2 s, the client's 3 s). */
const ANSWER_MS = 3_000
const OTHER_SECRET = 'another-clusters-secret'

interface Answer {
  status: number
  headers: Headers
  body: unknown
}

/** Settles as `promise` does, or fails naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what()}: nothing within ${ms} ms`)), ms)))
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

/** `npm run node -- http-store server --address ADDRESS ...flags`, once it serves (listed in `started` at once, for `finally`). */
async function startServer(started: NodeProcess[], address: string, ...flags: string[]): Promise<NodeProcess> {
  const node = startNode(['http-store', 'server', '--address', address, ...flags], 60_000)
  started.push(node)
  const exited = node.exit.then((code) => Promise.reject(new Error(`the server at ${address} exited (${code}): ${node.stderr()}`)))
  const serving = Promise.race([Promise.all([node.address, node.line(/^store\.log: \d+ records recovered/)]), exited])
  await within(serving, START_MS, () => `the server at ${address} starting (stderr: ${node.stderr()})`)
  return node
}

async function stop(node: NodeProcess): Promise<void> {
  node.child.kill('SIGTERM')
  await within(node.exit, ANSWER_MS, () => 'a server stopping').catch(() => node.child.kill('SIGKILL'))
}

test('fetch gets what the spec says from servers started by npm run node', async () => {
  const [s1, s2, other] = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`]
  const started: NodeProcess[] = []
  /** Every answer's body, by path: no body but /auth's may hold a token. */
  const bodies: Array<{ path: string; text: string }> = []
  const ask = async (at: string, method: string, path: string, init: { token?: string; body?: string } = {}): Promise<Answer> => {
    const res = await fetch(`http://${at}${path}`, {
      method,
      headers: init.token ? { authorization: `Bearer ${init.token}` } : {},
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.timeout(ANSWER_MS),
    })
    const text = await res.text()
    bodies.push({ path, text })
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      assert.unreachable(`${method} ${path} at ${at} answered ${res.status} with a body that is not JSON: ${text}`)
    }
    return { status: res.status, headers: res.headers, body }
  }
  const tokenFrom = async (at: string): Promise<string> => {
    const auth = await ask(at, 'POST', '/auth', { body: JSON.stringify(DEMO_LOGIN) })
    assert.is(auth.status, 200, `POST /auth at ${at} with alice / wonderland`)
    const { token } = auth.body as { token: unknown }
    assert.type(token, 'string')
    return token as string
  }
  const isError = (answer: Answer, status: number, what: string): void => {
    assert.is(answer.status, status, what)
    assert.type((answer.body as { error?: unknown }).error, 'string', `${what}: {"error": "<a sentence>"}`)
  }

  try {
    // s1 and another cluster's server start together; s2 joins s1 once s1 serves.
    await Promise.all([startServer(started, s1), startServer(started, other, '--secret', OTHER_SECRET)])
    const joiner = await startServer(started, s2, '--join', s1)
    await within(joiner.line(/^joined the cluster: members /), ANSWER_MS, () => `s2 joining s1 (stdout: ${joiner.lines.join(' | ')})`)

    // POST /auth: 200 {"token"}; 401 for a wrong password; 400 for a body that is not {"login","password"}.
    const token = await tokenFrom(s1)
    isError(await ask(s1, 'POST', '/auth', { body: JSON.stringify({ ...DEMO_LOGIN, password: 'looking-glass' }) }), 401, 'a wrong password')
    isError(await ask(s1, 'POST', '/auth', { body: 'login=alice&password=wonderland' }), 400, 'an /auth body that is not JSON')

    // The spec's curl session: set, a partial get, a get of missing keys only.
    const put = await ask(s1, 'PUT', '/db/users/alice', { token, body: '{"age": 36}' })
    assert.is(put.status, 201)
    assert.equal(put.body, { db: 'users', key: 'alice' })
    const partial = await ask(s1, 'GET', '/db/users/alice&bob', { token })
    assert.is(partial.status, 200)
    assert.equal(partial.body, { values: { alice: { age: 36 } }, missing: ['bob'] })
    const none = await ask(s1, 'GET', '/db/users/bob&carol', { token })
    assert.is(none.status, 404, 'a get where no key is found anywhere')
    assert.equal(none.body, { values: {}, missing: ['bob', 'carol'] })

    // Rule 1: 401 without a token (with WWW-Authenticate, as the reference sends), or with something
    // that is no token; 403 for a token another cluster (another --secret) issued.
    const bare = await ask(s1, 'GET', '/db/users/alice')
    isError(bare, 401, 'a get without a token')
    assert.is(bare.headers.get('www-authenticate'), 'Bearer')
    isError(await ask(s1, 'GET', '/db/users/alice', { token: 'nonsense' }), 401, 'a get with something that is not a token')
    const foreign = await tokenFrom(other)
    isError(await ask(s1, 'GET', '/db/users/alice', { token: foreign }), 403, "a get with another cluster's token")

    // Rule 10: a bad key, a body over 64 KiB, an unknown path, a method the path does not take.
    const badKey = await ask(s1, 'PUT', '/db/users/..%2Fx', { token, body: '1' })
    assert.is(badKey.status, 400)
    assert.equal(badKey.body, { error: 'a key is 1-64 characters of A-Z a-z 0-9 _ . - and does not start with a dot' })
    isError(await ask(s1, 'PUT', '/db/users/big', { token, body: JSON.stringify('x'.repeat(64 * 1024)) }), 413, 'a body over 64 KiB')
    isError(await ask(s1, 'GET', '/no/such/path', { token }), 404, 'an unknown path')
    const wrongMethod = await ask(s1, 'DELETE', '/db/users/alice', { token })
    isError(wrongMethod, 405, 'DELETE on /db/users/alice')
    assert.equal(wrongMethod.headers.get('allow')?.split(/,\s*/).sort(), ['GET', 'PUT'])
    const getAuth = await ask(s1, 'GET', '/auth')
    isError(getAuth, 405, 'GET /auth')
    assert.is(getAuth.headers.get('allow'), 'POST')

    // Rules 1 and 5 (or 6): s1's token is good at s2, and s2 answers the value set at s1, within a
    // bounded number of short polls.
    const deadline = Date.now() + ANSWER_MS
    let atS2 = await ask(s2, 'GET', '/db/users/alice', { token })
    for (let polls = 1; atS2.status !== 200 && polls < 30 && Date.now() < deadline; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      atS2 = await ask(s2, 'GET', '/db/users/alice', { token })
    }
    assert.is(atS2.status, 200, `s2 answers the value set at s1 within ${ANSWER_MS} ms`)
    assert.equal(atS2.body, { values: { alice: { age: 36 } }, missing: [] })

    // Rule 2: only /auth's answers hold a token; no server's console shows a token, password or secret.
    const secrets = [token, foreign, DEMO_LOGIN.password, DEMO_CLUSTER.secret, OTHER_SECRET]
    assert.ok(bodies.some((b) => b.path === '/auth' && b.text.includes(token)), '/auth answered the token')
    for (const { path, text } of bodies.filter((b) => b.path !== '/auth')) {
      for (const t of [token, foreign]) assert.not.ok(text.includes(t), `the answer to ${path} holds a token: ${text}`)
    }
    for (const node of started) {
      const stdout = node.lines.join('\n')
      assert.ok(node.lines.length > 0, 'every server printed its recovery line')
      for (const secret of secrets) assert.not.ok(stdout.includes(secret), `a server's stdout shows a secret: ${stdout}`)
    }
  } finally {
    await Promise.all(started.map(stop))
  }
})

test.run()
