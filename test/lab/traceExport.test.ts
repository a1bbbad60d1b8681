// The trace page's model and HTML (offline, deterministic, safe with hostile text), the Perfetto
// trace-event JSON and the ShiViz log, each checked against its format's rules.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster, openTrace, type MetaRecord, type TraceRecord } from '../../runtime/index.ts'
import { toPerfetto, type TraceEvent } from '../../lab/trace/export/perfetto.ts'
import { SHIVIZ_REGEX, toShiviz } from '../../lab/trace/export/shiviz.ts'
import { MAX_MESSAGES, pageModel } from '../../lab/trace/html/model.ts'
import { tracePage } from '../../lab/trace/html/page.ts'

const test = suite('trace exports')
const FIXTURE = 'test/fixtures/recorded/pbservice-master-fails.jsonl'

async function load(): Promise<{ meta: Awaited<ReturnType<typeof openTrace>>['meta']; records: TraceRecord[] }> {
  const trace = await openTrace(FIXTURE)
  const records: TraceRecord[] = []
  for await (const r of trace.records) records.push(r)
  return { meta: trace.meta, records }
}

test('the page is one offline file, the same bytes every time, and student text cannot break out of it', async () => {
  const { meta, records } = await load()
  const hostile: TraceRecord = { seq: 99999, t: 1, node: 's1', kind: 'console', line: '</script><script>alert(1)</script><!-- \u2028' }
  const page = tracePage(meta, [...records, hostile])
  assert.is(page, tracePage(meta, [...records, hostile]))
  assert.not.match(page, /(src|href)=["']?(https?:)?\/\//, 'nothing is loaded from the network')
  assert.is(page.match(/<\/script>/g)?.length, 2, 'only the page’s own two scripts close')
  assert.not.match(page, /<!--/)
  const json = /<script id="model" type="application\/json">(.*?)<\/script>/s.exec(page)?.[1] as string
  const model = JSON.parse(json)
  assert.ok(model.marks.some((m: { text: string }) => m.text.startsWith('</script>')), 'the text itself is kept')
})

test('the model pairs every send with its delivery or loss and names the grader’s client', async () => {
  const { meta, records } = await load()
  const model = pageModel(meta, records)
  const sends = records.filter((r) => r.kind === 'send' || r.kind === 'call').length
  assert.is(model.totalMessages, sends)
  const delivered = new Set(records.filter((r) => r.kind === 'deliver' || r.kind === 'reply').map((r) => (r as { id: number }).id))
  for (const m of model.messages) if (delivered.has(m.id)) assert.ok(m.end !== null && m.end >= m.sent && !m.lost, `message ${m.id}`)
  assert.ok(model.checks.some((c) => !c.ok))
  assert.ok(model.marks.some((k) => k.kind === 'crash'), 'the master’s crash is marked')
  const g = pageModel(meta, [{ seq: 0, t: 0, node: 'g', kind: 'send', id: 1, to: 's1', msg: { type: 'PUT' } }])
  assert.match(g.nodes.find((n) => n.name === 'g')?.note ?? '', /the grader's client/)
})

test('a big trace keeps an even sample of its messages and says how many it had', () => {
  const records: TraceRecord[] = []
  for (let i = 0; i < MAX_MESSAGES * 3; i++) records.push({ seq: 2 * i, t: i, node: 'a', kind: 'send', id: i, to: 'b', msg: { type: 'X' } }, { seq: 2 * i + 1, t: i + 1, node: 'b', kind: 'deliver', id: i, from: 'a', msg: { type: 'X' } })
  const model = pageModel(null, records)
  assert.is(model.totalMessages, MAX_MESSAGES * 3)
  assert.is(model.messages.length, MAX_MESSAGES)
  assert.ok(model.messages.every((m) => m.id % 3 === 0))
})

test('a trace written at level net says so in its header, and the page says why it has no state bands', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-level-'))
  try {
    const header = async (level: 'net' | 'full'): Promise<MetaRecord> => {
      const file = join(dir, `${level}.jsonl`)
      const cluster = await Cluster.start({ nodes: [{ name: 'a', module: 'bench/nodes/pingpong.ts', config: { next: 'a', window: 1 } }], trace: { file, level } })
      await cluster.sleep(5)
      await cluster.stop()
      return JSON.parse(readFileSync(file, 'utf8').split('\n')[0] as string) as MetaRecord
    }
    const net = await header('net')
    const full = await header('full')
    assert.is(net.level, 'net')
    assert.not.ok('level' in full, 'a full trace keeps the header it always had')
    assert.ok(pageModel(net, []).noStates)
    assert.not.ok(pageModel(full, []).noStates)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('Perfetto: trace-event JSON whose events have the fields their phase needs, and matched flows', async () => {
  const { meta, records } = await load()
  const { traceEvents } = JSON.parse(toPerfetto(meta, records)) as { traceEvents: TraceEvent[] }
  assert.ok(traceEvents.length > 0)
  const starts = new Map<number, number>()
  const ends = new Map<number, number>()
  for (const e of traceEvents) {
    assert.type(e.name, 'string')
    assert.ok(['X', 'i', 's', 'f', 'M'].includes(e.ph), e.ph)
    assert.ok(Number.isInteger(e.ts) && e.ts >= 0 && Number.isInteger(e.pid) && Number.isInteger(e.tid), JSON.stringify(e))
    if (e.ph === 'X') assert.ok(Number.isInteger(e.dur) && (e.dur as number) >= 0, JSON.stringify(e))
    if (e.ph === 'i') assert.ok(['g', 'p', 't'].includes(e.s as string))
    if (e.ph === 's') starts.set(e.id as number, e.ts)
    if (e.ph === 'f') {
      assert.is(e.bp, 'e')
      ends.set(e.id as number, e.ts)
    }
    if (e.ph === 'M') assert.is(e.name, 'process_name')
  }
  assert.ok(starts.size > 0)
  assert.equal([...starts.keys()].sort(), [...ends.keys()].sort(), 'every flow starts and finishes')
  for (const [id, ts] of starts) assert.ok((ends.get(id) as number) >= ts, `flow ${id} goes forward in time`)
})

test('ShiViz: parsed with its own regex; vector clocks respect causality', async () => {
  const { meta, records } = await load()
  const text = toShiviz(meta, records)
  const [regexLine, blank, ...rest] = text.trimEnd().split('\n')
  assert.is(regexLine, SHIVIZ_REGEX)
  assert.is(blank, '')
  const parse = new RegExp(SHIVIZ_REGEX.replace(/\(\?<(\w+)>/g, '(?<$1>'), 'g')
  const events = [...rest.join('\n').matchAll(parse)].map((m) => ({ event: m.groups?.event as string, host: m.groups?.host as string, clock: JSON.parse(m.groups?.clock as string) as Record<string, number> }))
  assert.is(events.length, rest.length / 2)
  const last = new Map<string, number>()
  const sends = new Map<string, Record<string, number>[]>()
  for (const e of events) {
    const own = e.clock[e.host] as number
    assert.ok(own > (last.get(e.host) ?? 0), `${e.host}'s own clock goes up`)
    last.set(e.host, own)
    const send = /^send (\S+) to (\S+)/.exec(e.event)
    if (send) sends.set(`${send[1]} ${e.host}→${send[2]}`, [...(sends.get(`${send[1]} ${e.host}→${send[2]}`) ?? []), e.clock])
    const receive = /^receive (\S+) from (\S+)/.exec(e.event)
    if (receive) {
      // Some send of that type on that link happened before: its clock is below this one.
      const candidates = sends.get(`${receive[1]} ${receive[2]}→${e.host}`) ?? []
      assert.ok(candidates.some((c) => Object.entries(c).every(([k, v]) => (e.clock[k] ?? 0) >= v)), `${e.event} at ${e.host} follows its send`)
    }
  }
})

test.run()
