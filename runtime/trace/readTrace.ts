// Reads a trace file back, streaming (a trace of a large run does not have to fit in memory as
// text): `.jsonl` or `.jsonl.gz`. Errors name the file and the line.
import { createReadStream, existsSync } from 'node:fs'
import { Gunzip, strFromU8 } from 'fflate'
import { DistlabError } from '../errors.ts'
import { TRACE_FORMAT, type MetaRecord, type TraceRecord } from './records.ts'

export interface Trace {
  meta: MetaRecord | null
  records: AsyncIterable<TraceRecord>
}

export async function* readLines(path: string): AsyncGenerator<string> {
  if (!existsSync(path)) throw new DistlabError('BAD_INPUT', `trace file not found: ${path}`)
  const stream = createReadStream(path)
  let pending = ''
  const chunks: string[] = []
  const gunzip = path.endsWith('.gz') ? new Gunzip((data) => chunks.push(strFromU8(data, true))) : null
  const decoder = new TextDecoder()
  for await (const raw of stream as AsyncIterable<Buffer>) {
    if (gunzip) {
      try {
        gunzip.push(raw)
      } catch (err) {
        throw new DistlabError('BAD_INPUT', `${path}: not a gzip file (${(err as Error).message})`)
      }
    } else chunks.push(decoder.decode(raw, { stream: true }))
    pending += chunks.splice(0).join('')
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    yield* lines
  }
  if (gunzip) gunzip.push(new Uint8Array(0), true)
  pending += chunks.splice(0).join('')
  if (pending) yield* pending.split('\n')
}

/** Opens a trace: its header, then its records one by one. */
export async function openTrace(path: string): Promise<Trace> {
  const lines = readLines(path)
  let lineNo = 0
  const first = await lines.next()
  lineNo++
  let meta: MetaRecord | null = null
  let pendingFirst: TraceRecord | null = null
  if (!first.done && first.value.trim()) {
    const parsed = parse(first.value, path, lineNo)
    if (parsed.kind === 'meta') {
      if ((parsed as MetaRecord).format !== TRACE_FORMAT) throw new DistlabError('BAD_INPUT', `${path}: unknown trace format ${JSON.stringify((parsed as MetaRecord).format)} (expected ${TRACE_FORMAT})`)
      meta = parsed as MetaRecord
    } else pendingFirst = parsed as TraceRecord
  }
  async function* records(): AsyncGenerator<TraceRecord> {
    if (pendingFirst) yield pendingFirst
    for await (const line of lines) {
      lineNo++
      if (line.trim()) yield parse(line, path, lineNo) as TraceRecord
    }
  }
  return { meta, records: records() }
}

function parse(line: string, path: string, lineNo: number): TraceRecord | MetaRecord {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw new DistlabError('BAD_INPUT', `${path}:${lineNo}: not JSON; is this a distlab trace (.jsonl or .jsonl.gz)?`)
  }
  if (typeof value !== 'object' || value === null || typeof (value as { kind?: unknown }).kind !== 'string') {
    throw new DistlabError('BAD_INPUT', `${path}:${lineNo}: a trace record needs a string "kind"`)
  }
  return value as TraceRecord | MetaRecord
}
