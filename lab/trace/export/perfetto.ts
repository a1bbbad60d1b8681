// Chrome's trace-event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing open: a process
// per node, its states as slices, each message as a flow arrow from a send slice to a delivery
// slice, losses, faults and checks as instant events. Times in microseconds of the run.
import type { MetaRecord, TraceRecord } from '../../../runtime/index.ts'
import { pageModel } from '../html/model.ts'

export interface TraceEvent {
  name: string
  ph: 'X' | 'i' | 's' | 'f' | 'M'
  ts: number
  pid: number
  tid: number
  dur?: number
  id?: number
  bp?: 'e'
  cat?: string
  s?: 'g' | 'p' | 't'
  args?: Record<string, unknown>
}

const us = (ms: number): number => Math.round(ms * 1000)

export function toPerfetto(meta: MetaRecord | null, records: readonly TraceRecord[]): string {
  const model = pageModel(meta, records)
  const pid = new Map(model.nodes.map((n, i) => [n.name, i + 1]))
  const events: TraceEvent[] = []
  for (const n of model.nodes) events.push({ name: 'process_name', ph: 'M', ts: 0, pid: pid.get(n.name) as number, tid: 1, args: { name: n.role ? `${n.name} (${n.role})` : n.name } })
  for (const s of model.states) events.push({ name: s.state, cat: 'state', ph: 'X', ts: us(s.from), dur: us(s.to) - us(s.from), pid: pid.get(s.node) as number, tid: 1 })
  for (const m of model.messages) {
    const from = pid.get(m.from) as number
    const to = pid.get(m.to) as number
    events.push({ name: `send ${m.type}`, cat: 'message', ph: 'X', ts: us(m.sent), dur: 1, pid: from, tid: 2, args: { to: m.to, id: m.id } })
    if (m.end === null) continue
    if (m.lost) {
      events.push({ name: `lost ${m.type}: ${m.lost}`, cat: 'loss', ph: 'i', s: 't', ts: us(m.end), pid: from, tid: 2 })
      continue
    }
    events.push({ name: m.type, cat: 'message', ph: 's', id: m.id, ts: us(m.sent), pid: from, tid: 2 })
    events.push({ name: `receive ${m.type}`, cat: 'message', ph: 'X', ts: us(m.end), dur: 1, pid: to, tid: 2, args: { from: m.from, id: m.id } })
    events.push({ name: m.type, cat: 'message', ph: 'f', bp: 'e', id: m.id, ts: us(m.end), pid: to, tid: 2 })
  }
  for (const k of model.marks) events.push({ name: `${k.kind}: ${k.text}`, cat: k.kind, ph: 'i', s: 't', ts: us(k.t), pid: pid.get(k.node) ?? 0, tid: 1 })
  for (const c of model.checks) events.push({ name: `${c.ok ? '✓' : '✗'} ${c.sentence}`, cat: 'check', ph: 'i', s: 'g', ts: us(c.t), pid: 0, tid: 0 })
  return `${JSON.stringify({ traceEvents: events, displayTimeUnit: 'ms', otherData: { title: model.title, seed: model.seed } })}\n`
}
