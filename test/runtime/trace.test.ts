import { writeFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openTrace } from '../../runtime/trace/readTrace.ts'
import { TraceFile } from '../../runtime/trace/TraceFile.ts'
import { TRACE_FORMAT, type MetaRecord, type TraceRecord } from '../../runtime/trace/records.ts'
import { rejection } from '../helpers.ts'

const test = suite('trace')
const meta: MetaRecord = { kind: 'meta', format: TRACE_FORMAT, seed: 3, title: 't', endpoints: [{ name: 'a', address: 'a', role: 'node', client: false }] }

async function roundTrip(path: string, count: number): Promise<TraceRecord[]> {
  const file = new TraceFile(path, meta)
  for (let i = 0; i < count; i++) file.write({ seq: i, t: i / 2, node: 'a', kind: 'console', line: `line ${i} ${'x'.repeat(i % 50)}` })
  file.write({ seq: count, t: 1, node: 'a', kind: 'send', id: 1, to: 'b', msg: { type: 'DATA', data: new Uint8Array(65536) } as never })
  file.close()
  const trace = await openTrace(path)
  assert.equal(trace.meta, meta)
  const out: TraceRecord[] = []
  for await (const record of trace.records) out.push(record)
  return out
}

for (const ext of ['jsonl', 'jsonl.gz']) {
  test(`a .${ext} trace reads back record for record, with bulk data summarized`, async () => {
    const records = await roundTrip(`traces/test-roundtrip.${ext}`, 5000)
    assert.is(records.length, 5001)
    assert.equal(records[4999], { seq: 4999, t: 2499.5, node: 'a', kind: 'console', line: `line 4999 ${'x'.repeat(4999 % 50)}` })
    assert.equal((records[5000] as Extract<TraceRecord, { kind: 'send' }>).msg, { type: 'DATA', data: { $bytes: 65536 } } as never)
  })
}

test('unreadable traces get one clear sentence', async () => {
  const missing = await rejection(openTrace('traces/nope.jsonl'))
  assert.match(missing.message, /trace file not found: traces\/nope\.jsonl/)
  writeFileSync('traces/bad.jsonl', '{"kind":"meta","format":"distlab-trace/1"}\nnot json\n')
  const trace = await openTrace('traces/bad.jsonl')
  const err = await rejection((async () => {
    for await (const _ of trace.records) void _
  })())
  assert.match(err.message, /traces\/bad\.jsonl:2: not JSON/)
  writeFileSync('traces/bad.jsonl.gz', 'plain text')
  const gz = await rejection(openTrace('traces/bad.jsonl.gz'))
  assert.match(gz.message, /not a gzip file/)
})

test.run()
