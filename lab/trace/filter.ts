// Which records the viewer shows: by node, by kind (with family names like `timer` or
// `messages`), by virtual time window. Unknown names are errors that list the known ones.
import { DistlabError, TRACE_KINDS, type TraceKind, type TraceRecord } from '../../runtime/index.ts'

export interface TraceFilter {
  nodes?: string[]
  kinds?: string[]
  from?: number
  to?: number
  /** Message types to leave out (their send, delivery, loss...: every record carrying that type). */
  hide?: string[]
}

/** The message type a record is about, if it is about one. */
export function messageTypeOf(record: TraceRecord): string | undefined {
  if ('msg' in record && record.msg && typeof record.msg === 'object') return String((record.msg as { type?: unknown }).type)
  if ('type' in record && typeof record.type === 'string') return record.type
  return undefined
}

const FAMILIES: Record<string, TraceKind[]> = {
  messages: ['send', 'deliver', 'drop', 'unreachable', 'call', 'reply', 'timeout'],
  pool: ['pool', 'pool.done'],
  timer: ['timer.set', 'timer.fire', 'timer.cancel'],
  app: ['app.request', 'app.result'],
  node: ['node.start', 'node.crash', 'node.restart', 'node.error', 'disk.torn'],
}

export function resolveKinds(names: string[] | undefined): Set<TraceKind> | null {
  if (!names?.length) return null
  const kinds = new Set<TraceKind>()
  for (const name of names) {
    const family = FAMILIES[name]
    if (family) family.forEach((k) => kinds.add(k))
    else if ((TRACE_KINDS as readonly string[]).includes(name)) kinds.add(name as TraceKind)
    else throw new DistlabError('BAD_INPUT', `unknown record kind '${name}'; kinds: ${TRACE_KINDS.join(', ')}; families: ${Object.keys(FAMILIES).join(', ')}`)
  }
  return kinds
}

export function compileFilter(filter: TraceFilter): (record: TraceRecord) => boolean {
  const kinds = resolveKinds(filter.kinds)
  const nodes = filter.nodes?.length ? new Set(filter.nodes) : null
  const hidden = new Set(filter.hide ?? [])
  return (record) =>
    (hidden.size === 0 || !hidden.has(messageTypeOf(record) ?? '')) &&
    (kinds === null || kinds.has(record.kind)) &&
    (nodes === null || nodes.has(record.node) || record.kind === 'note') &&
    (filter.from === undefined || record.t >= filter.from) &&
    (filter.to === undefined || record.t <= filter.to)
}
