// The per-node timeline: one column per node, time down the left, every record in its node's
// column. With more nodes than fit side by side it switches to one lane: time, node, record.
// A record longer than its room wraps onto lines of its own, never cut (a failing check's
// sentence is the one line a student needs whole).
import type { MetaRecord, TraceRecord } from '../../runtime/index.ts'
import { NodeColors, formatTime, kleur, wrapText } from '../format.ts'
import { describeRecord } from './describeRecord.ts'

const TIME_WIDTH = 10
const MIN_COLUMN = 18

export interface TimelineOptions {
  width: number
  /** Force one lane even if columns would fit. */
  lanes?: boolean
}

export function renderTimeline(meta: MetaRecord | null, records: TraceRecord[], options: TimelineOptions): string[] {
  const names = columnsOf(meta, records)
  const colors = new NodeColors(names)
  const column = Math.floor((options.width - TIME_WIDTH) / Math.max(1, names.length)) - 1
  const lanes = options.lanes === true || column < MIN_COLUMN
  const out: string[] = []
  if (lanes) {
    const nameWidth = Math.max(4, ...names.map((n) => n.length))
    for (const record of records) {
      if (record.kind === 'note') out.push(...noteRows(record, options.width))
      else out.push(...wrapText(describeRecord(record), options.width, `${kleur.gray(formatTime(record.t, TIME_WIDTH))} ${colors.paint(record.node, record.node.padEnd(nameWidth))} `, ' '.repeat(TIME_WIDTH + nameWidth + 2)))
    }
    return out
  }
  const header = names.map((n) => colors.paint(n, (n.length > column ? `${n.slice(0, column - 1)}…` : n).padEnd(column))).join(kleur.gray('│'))
  out.push(`${' '.repeat(TIME_WIDTH)} ${header}`)
  out.push(kleur.gray(`${'─'.repeat(TIME_WIDTH)} ${names.map(() => '─'.repeat(column)).join('┼')}`))
  for (const record of records) {
    if (record.kind === 'note') {
      out.push(...noteRows(record, options.width))
      continue
    }
    // A row holds one record: it starts in its node's column and may run on to the line's end.
    const index = names.indexOf(record.node)
    const before = names.slice(0, index).map(() => ' '.repeat(column)).join(kleur.gray('│'))
    const lead = `${before}${index > 0 ? kleur.gray('│') : ''}`
    out.push(...wrapText(describeRecord(record), options.width, `${kleur.gray(formatTime(record.t, TIME_WIDTH))} ${lead}`, `${' '.repeat(TIME_WIDTH)} ${lead}  `))
  }
  return out
}

/** Nodes first (in the header's order), then every other endpoint as it appears. */
function columnsOf(meta: MetaRecord | null, records: TraceRecord[]): string[] {
  const names: string[] = []
  const add = (name: string): void => {
    if (name !== 'lab' && !names.includes(name)) names.push(name)
  }
  const seen = new Set(records.map((r) => r.node))
  for (const endpoint of meta?.endpoints ?? []) if (seen.has(endpoint.name)) add(endpoint.name)
  for (const record of records) add(record.node)
  return names
}

function noteRows(record: Extract<TraceRecord, { kind: 'note' }>, width: number): string[] {
  return wrapText(describeRecord(record), width, `${kleur.gray(formatTime(record.t, TIME_WIDTH))} `, ' '.repeat(TIME_WIDTH + 3))
}
