import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { MetaRecord, TraceRecord } from '../../runtime/index.ts'
import { plain } from '../../lab/format.ts'
import { compileFilter, resolveKinds } from '../../lab/trace/filter.ts'
import { renderTimeline } from '../../lab/trace/Timeline.ts'

const test = suite('timeline')
const meta: MetaRecord = {
  kind: 'meta',
  format: 'distlab-trace/1',
  seed: 1,
  title: '',
  endpoints: ['a', 'b', 'c'].map((name) => ({ name, address: name, role: 'node', client: false })),
}
const records: TraceRecord[] = [
  { seq: 0, t: 0, node: 'a', kind: 'node.start', incarnation: 1 },
  { seq: 1, t: 1, node: 'a', kind: 'send', id: 1, to: 'b', msg: { type: 'PING' } },
  { seq: 2, t: 3, node: 'b', kind: 'deliver', id: 1, from: 'a', msg: { type: 'PING' } },
  { seq: 3, t: 3, node: 'b', kind: 'state', from: 'idle', to: 'busy', event: 'PING' },
  { seq: 4, t: 5, node: 'c', kind: 'console', line: 'hello' },
  { seq: 5, t: 6, node: 'network', kind: 'fault', fault: 'heal', detail: 'all links restored' },
  { seq: 6, t: 7, node: 'lab', kind: 'note', text: 'Chapter two', heading: true },
]

test('one column per node: each record starts in its own node\'s column', () => {
  const lines = renderTimeline(meta, records, { width: 120 }).map(plain)
  assert.match(lines[0] ?? '', /^\s+a\s+│b\s+│c\s+│network/)
  const column = (name: string) => (lines[0] ?? '').indexOf(name)
  const row = (text: string) => lines.find((l) => l.includes(text)) ?? ''
  assert.is(row('← a PING').indexOf('← a PING'), column('b'))
  assert.is(row('hello').indexOf('hello'), column('c'))
  assert.match(row('idle ⇒ busy'), /idle ⇒ busy\s+on PING/)
  assert.match(row('Chapter two'), /^\s+0\.007s Chapter two$/)
  assert.not.ok(lines[0]?.includes('lab'), 'narration spans the row instead of taking a column')
})

test('too many nodes for columns: one lane of time, node, record', () => {
  const lines = renderTimeline(meta, records, { width: 60 }).map(plain)
  assert.match(lines[0] ?? '', /^\s+0\.000s a\s+▶ started \(incarnation 1\)$/)
  assert.match(lines.find((l) => l.includes('hello')) ?? '', /0\.005s c\s+hello/)
})

test('filters by kind, family, node and time window', () => {
  const keep = (filter: Parameters<typeof compileFilter>[0]) => records.filter(compileFilter(filter)).map((r) => r.seq)
  assert.equal(keep({ kinds: ['messages'] }), [1, 2])
  assert.equal(keep({ kinds: ['state', 'console'] }), [3, 4])
  assert.equal(keep({ nodes: ['b'] }), [2, 3, 6], 'notes stay so the story keeps its chapters')
  assert.equal(keep({ from: 3, to: 5 }), [2, 3, 4])
  assert.throws(() => resolveKinds(['states']), /unknown record kind 'states'; kinds: node\.start/)
})

test('a long failing check wraps at the width, whole, in columns and in lanes; --hide leaves a type out', () => {
  const sentence = '✗ the client waits for the slow follower: PUT_OK arrives only after the replication to s3, which takes 1500 ms'
  const check: TraceRecord = { seq: 1, t: 9, node: 'grader', kind: 'check', ok: false, sentence }
  for (const lanes of [false, true]) {
    const lines = renderTimeline(meta, [check], { width: 80, lanes }).map(plain)
    assert.ok(lines.every((l) => l.length <= 80), lines.join('\n'))
    assert.ok(lines.join(' ').replace(/[\s│]+/g, ' ').includes(sentence.replace(/\s+/g, ' ')), lines.join('\n'))
  }
  const ping: TraceRecord = { seq: 2, t: 1, node: 's1', kind: 'send', id: 1, to: 'vs', msg: { type: 'PING' } }
  const put: TraceRecord = { seq: 3, t: 1, node: 's1', kind: 'send', id: 2, to: 's2', msg: { type: 'PUT' } }
  const drop: TraceRecord = { seq: 4, t: 2, node: 'network', kind: 'drop', id: 1, from: 's1', to: 'vs', reason: 'loss', type: 'PING' }
  const keep = compileFilter({ hide: ['PING'] })
  assert.equal([ping, put, drop].filter(keep), [put])
})

test.run()
