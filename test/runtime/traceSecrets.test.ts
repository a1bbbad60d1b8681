// Secrets never reach a trace: with the `secrets` option every record (memory, file, listener)
// shows «secret» where a learned token or password was, while nodes and drivers keep the real
// values. Without the option records are untouched, and not even walked.
import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Cluster, ClusterOptions, Message, TraceRecord } from '../../runtime/index.ts'
import { httpRequest, type HttpResponseMessage } from '../../runtime/node/http.ts'
import { httpSecrets } from '../../runtime/trace/httpSecrets.ts'
import { SECRET_SHOWN, SecretScrubber } from '../../runtime/trace/SecretScrubber.ts'
import { MemorySink, Tracer } from '../../runtime/trace/Tracer.ts'
import { fixture, rejection, withCluster } from '../helpers.ts'

const test = suite('trace secrets')

const PASSWORD = 'hunter22'
const TOKEN = 'tok-ada-7f3a9c1e'
const SECRET = 'pa55-w0rd-of-the-day'

const secretMessages = (msg: Message): string[] => (msg.type === 'SECRET' ? [(msg as Message & { secret: string }).secret] : [])
const bothKinds = (msg: Message): string[] => [...httpSecrets(msg), ...secretMessages(msg)]

interface Run {
  records: readonly TraceRecord[]
  heard: TraceRecord[]
  file: string
  replies: { token: string; seen: string; secret: string }
  console: readonly string[]
}

/** Logs in, uses the token, sends a custom secret, asks the node to print its tokens later. */
async function story(cluster: Cluster): Promise<Run['replies']> {
  const c = cluster.client('c')
  const login = await c.call<HttpResponseMessage>('s', httpRequest(1, 'POST', '/auth', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ada', password: PASSWORD }) }))
  const token = (JSON.parse(login.body) as { token: string }).token
  const use = await c.call<HttpResponseMessage>('s', httpRequest(2, 'GET', '/db/x', { headers: { authorization: `Bearer ${token}` } }))
  const echo = await c.call<Message & { secret: string }>('s', { type: 'SECRET', secret: SECRET })
  await cluster.sleep(50)
  cluster.input('s', 'tokens')
  cluster.note(`the driver holds ${token}`)
  await cluster.sleep(10)
  return { token, seen: (JSON.parse(use.body) as { seen: string }).seen, secret: echo.secret }
}

async function run(file: string, overrides: Partial<ClusterOptions> = {}): Promise<Run> {
  const heard: TraceRecord[] = []
  const options: ClusterOptions = {
    seed: 4,
    host: 'inline',
    nodes: [{ name: 's', module: fixture('secretEcho') }],
    network: { latency: [1, 9] },
    trace: { file: `traces/${file}`, level: 'full', memory: 'full', listener: (r) => heard.push(r) },
    ...overrides,
  }
  let records: readonly TraceRecord[] = []
  let consoleLines: readonly string[] = []
  const replies = await withCluster(options, async (cluster) => {
    const replies = await story(cluster)
    records = cluster.records
    consoleLines = cluster.node('s').console
    return replies
  })
  return { records, heard, file: readFileSync(`traces/${file}`, 'utf8'), replies, console: consoleLines }
}

const leaks = (text: string): string[] => [PASSWORD, TOKEN, SECRET].filter((s) => text.includes(s))

test('no record shows a secret, in memory, in the file or to a listener; nodes and drivers keep the real values', async () => {
  const on = await run('secrets-on.jsonl', { secrets: bothKinds })
  for (const [where, text] of [['memory', JSON.stringify(on.records)], ['listener', JSON.stringify(on.heard)], ['file', on.file]] as const) {
    assert.equal(leaks(text), [], `${where} leaks`)
    assert.ok(text.includes(SECRET_SHOWN), `${where} shows ${SECRET_SHOWN}`)
  }
  // The driver's replies are not trace: the real values.
  assert.equal(on.replies, { token: TOKEN, seen: `Bearer ${TOKEN}`, secret: SECRET })
  // The node got the real values too (it printed them), so no message was edited in place.
  assert.ok(on.console.some((line) => line.includes(PASSWORD) && line.includes(TOKEN)))
  assert.ok(on.console.includes(`got ${SECRET}`))
  const lines = on.records.flatMap((r) => (r.kind === 'console' ? [r.line] : []))
  // Printed in the same event as the response that carries the token, before it.
  assert.ok(lines.includes(`login ada with ${SECRET_SHOWN}: issued ${SECRET_SHOWN}`), lines.join('\n'))
  assert.ok(lines.includes(`GET /db/x authorization=Bearer ${SECRET_SHOWN}`))
  // Learned secrets stay: printed long after the messages that carried them.
  assert.ok(lines.includes(`tokens: ${SECRET_SHOWN}`))
  assert.ok(on.records.some((r) => r.kind === 'note' && r.text === `the driver holds ${SECRET_SHOWN}`))
  const echo = on.records.find((r) => r.kind === 'reply' && r.msg.type === 'ECHO')
  assert.equal(echo?.kind === 'reply' && echo.msg, { type: 'ECHO', secret: SECRET_SHOWN, nested: { list: [`[${SECRET_SHOWN}]`], [SECRET_SHOWN]: 1 } } as never)
})

test('without the option records are unchanged: the same run, secrets and all', async () => {
  const off = await run('secrets-off.jsonl')
  const on = await run('secrets-on2.jsonl', { secrets: bothKinds })
  assert.equal(leaks(off.file).sort(), [PASSWORD, SECRET, TOKEN].sort())
  assert.not.ok(off.file.includes(SECRET_SHOWN))
  assert.equal(off.replies, on.replies)
  // Scrubbing hides and changes nothing else: not a record more or less, not a field.
  const hidden = [PASSWORD, TOKEN, SECRET].reduce((text, s) => text.replaceAll(s, SECRET_SHOWN), off.file)
  assert.ok(hidden === on.file, 'the scrubbed trace is the plain trace with the secrets replaced')
})

test('a secrets function that throws, or returns junk, never fails the run', async () => {
  const throwing = await run('secrets-throws.jsonl', {
    secrets: () => {
      throw new Error('boom')
    },
  })
  assert.equal(throwing.replies.secret, SECRET)
  assert.ok(throwing.file.includes(SECRET), 'nothing was learned, so nothing is hidden')
  const junk = await run('secrets-junk.jsonl', { secrets: ((msg: Message) => (msg.type === 'SECRET' ? [42, null, { s: SECRET }, 'pa5', undefined] : {})) as never })
  assert.equal(junk.replies.secret, SECRET)
  assert.not.ok(junk.file.includes(SECRET_SHOWN), 'junk and secrets under 4 characters are ignored')
})

test('the same seed gives the same trace with the option on', async () => {
  const a = await run('secrets-det-a.jsonl', { secrets: bothKinds })
  const b = await run('secrets-det-b.jsonl', { secrets: bothKinds })
  assert.ok(a.file.split('\n').length > 10)
  assert.ok(a.file === b.file, 'traces of the same seed differ')
})

test('options.secrets must be a function', async () => {
  const err = await rejection(withCluster({ nodes: [{ name: 's', module: fixture('secretEcho') }], host: 'inline', secrets: ['tok'] as never }, async () => {}))
  assert.match(err.message, /options\.secrets must be a function/)
})

// ---- the scrubber and the tracer, directly ----------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

const base = { seq: 0, t: 0, node: 'c' }

test('scrubbing copies what it changes, at any depth, and never edits the record or the message', () => {
  const scrubber = new SecretScrubber(secretMessages)
  const bytes = new Uint8Array([1, 2, 3])
  const msg = { type: 'SECRET', secret: SECRET, deep: [{ a: [`x${SECRET}y`, bytes] }], map: new Map([[SECRET, SECRET]]), set: new Set([SECRET]), n: 5 }
  const send = { ...base, kind: 'send', id: 1, to: 's', msg } as TraceRecord
  const before = JSON.stringify(send)
  deepFreeze(send)
  const out = scrubber.scrub(send) as Extract<TraceRecord, { kind: 'send' }>
  assert.is(JSON.stringify(send), before, 'the record is untouched')
  assert.is.not(out, send)
  const m = out.msg as unknown as typeof msg
  assert.is(m.secret, SECRET_SHOWN)
  assert.is(m.deep[0]?.a[0], `x${SECRET_SHOWN}y`)
  assert.is(m.deep[0]?.a[1], bytes, 'bytes are kept as they are')
  assert.equal([...m.map], [[SECRET_SHOWN, SECRET_SHOWN]])
  assert.equal([...m.set], [SECRET_SHOWN])
  // Later records: any string, any kind; and what has no secret is returned as it is.
  const log = { ...base, kind: 'log', level: 'info', text: `seen "${SECRET}" and ${encodeURIComponent(SECRET)}` } as TraceRecord
  assert.equal(scrubber.scrub(log), { ...log, text: `seen "${SECRET_SHOWN}" and ${SECRET_SHOWN}` })
  const fault = { ...base, kind: 'fault', fault: 'link', detail: `link to ${SECRET}` } as TraceRecord
  assert.is((scrubber.scrub(fault) as Extract<TraceRecord, { kind: 'fault' }>).detail, `link to ${SECRET_SHOWN}`)
  const app = { ...base, kind: 'app.result', msg: { type: 'OK', said: [SECRET] } } as TraceRecord
  assert.equal((scrubber.scrub(app) as Extract<TraceRecord, { kind: 'app.result' }>).msg, { type: 'OK', said: [SECRET_SHOWN] } as never)
  const plain = { ...base, kind: 'console', line: 'nothing to hide' } as TraceRecord
  assert.is(scrubber.scrub(plain), plain)
})

test('endpoint names and kinds are kept; the longest secret wins; short ones are ignored; cycles end', () => {
  const scrubber = new SecretScrubber((msg) => (msg as Message & { s: string[] }).s ?? [])
  scrubber.scrub({ ...base, kind: 'deliver', id: 1, from: 'alice', msg: { type: 'X', s: ['alice', 'abc', 'token-1', 'token-12'] } } as TraceRecord)
  const out = scrubber.scrub({ ...base, node: 'alice', kind: 'send', id: 2, to: 'alice', msg: { type: 'Y', text: 'alice has token-12 and token-1, abc' } } as TraceRecord)
  assert.equal(out, { ...base, node: 'alice', kind: 'send', id: 2, to: 'alice', msg: { type: 'Y', text: `${SECRET_SHOWN} has ${SECRET_SHOWN} and ${SECRET_SHOWN}, abc` } } as never)
  const loop: Record<string, unknown> = { type: 'L', text: 'token-1' }
  loop.self = loop
  const looped = scrubber.scrub({ ...base, kind: 'app.request', msg: loop } as never) as Extract<TraceRecord, { kind: 'app.request' }>
  assert.is((looped.msg as unknown as { text: string }).text, SECRET_SHOWN)
})

test('without a secrets function the tracer hands records on as they are, unwalked', () => {
  let reads = 0
  const msg = {
    type: 'WATCHED',
    get body() {
      reads++
      return 'x'
    },
  }
  const plain = new Tracer()
  const sink = new MemorySink('full')
  plain.add(sink)
  plain.emit({ t: 0, node: 'a', kind: 'send', id: 1, to: 'b', msg } as never)
  assert.is((sink.records[0] as Extract<TraceRecord, { kind: 'send' }>).msg, msg as never)
  assert.is(reads, 0)
  const hiding = new Tracer()
  hiding.add(new MemorySink('full'))
  hiding.hideSecrets(() => ['zzzz'])
  hiding.emit({ t: 0, node: 'a', kind: 'send', id: 1, to: 'b', msg } as never)
  assert.ok(reads > 0, 'with the option, records are walked')
})

test('httpSecrets: bearer tokens, passwords and tokens in JSON bodies; nothing from what it cannot read', () => {
  const request = httpRequest(1, 'POST', '/auth', { headers: { authorization: 'Bearer abc.def.ghi' }, body: JSON.stringify({ user: 'ada', password: 'pw-1234', nested: { token: 'inner-tok' } }) })
  assert.equal(httpSecrets(request), ['abc.def.ghi', 'pw-1234', 'inner-tok'])
  assert.equal(httpSecrets(httpRequest(2, 'GET', '/x', { headers: { Authorization: 'opaque-key' }, body: 'not json {' })), ['opaque-key'])
  const basic = `Basic ${Buffer.from('ada:s3cr3t!').toString('base64')}`
  assert.equal(httpSecrets(httpRequest(3, 'GET', '/x', { headers: { authorization: basic } })), [basic.slice(6), 's3cr3t!'])
  const response = { type: 'HTTP_RESPONSE', rid: 1, status: 200, headers: {}, body: '{"token":"t-5678","password":7}' }
  assert.equal(httpSecrets(response as Message), ['t-5678'])
  assert.equal(httpSecrets({ ...response, body: '"just a string"' } as Message), [])
  assert.equal(httpSecrets({ ...response, body: 'null' } as Message), [])
  assert.equal(httpSecrets({ type: 'PING', password: 'not http' } as Message), [])
  assert.equal(httpSecrets({ type: 'HTTP_REQUEST', headers: null, body: 5 } as unknown as Message), [])
})

test.run()
