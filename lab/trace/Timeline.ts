// The per-node timeline: one column per node, time down the left, every record in its node's
// column. With more nodes than fit side by side it switches to one lane: time, node, record.
import type { MetaRecord, TraceRecord } from '../../runtime/index.ts'
import { NodeColors, formatTime, kleur, plain } from '../format.ts'
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
      if (record.kind === 'note') out.push(noteRow(record))
      else out.push(`${kleur.gray(formatTime(record.t, TIME_WIDTH))} ${colors.paint(record.node, record.node.padEnd(nameWidth))} ${fit(describeRecord(record), options.width - TIME_WIDTH - nameWidth - 2)}`)
    }
    return out
  }
  const header = names.map((n) => colors.paint(n, fit(n, column).padEnd(column))).join(kleur.gray('│'))
  out.push(`${' '.repeat(TIME_WIDTH)} ${header}`)
  out.push(kleur.gray(`${'─'.repeat(TIME_WIDTH)} ${names.map(() => '─'.repeat(column)).join('┼')}`))
  for (const record of records) {
    if (record.kind === 'note') {
      out.push(noteRow(record))
      continue
    }
    // A row holds one record: it starts in its node's column and may run on to the line's end.
    const index = names.indexOf(record.node)
    const before = names.slice(0, index).map(() => ' '.repeat(column)).join(kleur.gray('│'))
    const room = options.width - TIME_WIDTH - 1 - index * (column + 1)
    out.push(`${kleur.gray(formatTime(record.t, TIME_WIDTH))} ${before}${index > 0 ? kleur.gray('│') : ''}${fit(describeRecord(record), room)}`)
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

function noteRow(record: Extract<TraceRecord, { kind: 'note' }>): string {
  return `${kleur.gray(formatTime(record.t, TIME_WIDTH))} ${describeRecord(record)}`
}

/** Cuts colored text to `width` visible characters. */
function fit(text: string, width: number): string {
  if (plain(text).length <= width) return text
  const visible = plain(text)
  return kleur.reset(`${visible.slice(0, Math.max(0, width - 1))}…`)
}
