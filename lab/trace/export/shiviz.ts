// ShiViz's log format (https://bestchai.bitbucket.io/shiviz/): each event is a line of text, then
// a line with its host and vector clock. The file starts with the parsing regex on its first line
// and an empty line, as ShiViz reads an uploaded log. Clocks come from sends and deliveries.
import type { MetaRecord, TraceRecord } from '../../../runtime/index.ts'

export const SHIVIZ_REGEX = '(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})'

export function toShiviz(meta: MetaRecord | null, records: readonly TraceRecord[]): string {
  void meta
  const clocks = new Map<string, Record<string, number>>()
  const sent = new Map<number, Record<string, number>>()
  const lines = [SHIVIZ_REGEX, '']
  const tick = (node: string, merge?: Record<string, number>): Record<string, number> => {
    const clock = { ...(clocks.get(node) ?? {}) }
    for (const [k, v] of Object.entries(merge ?? {})) clock[k] = Math.max(clock[k] ?? 0, v)
    clock[node] = (clock[node] ?? 0) + 1
    clocks.set(node, clock)
    return clock
  }
  const host = (node: string): string => node.replace(/\s+/g, '_')
  const event = (node: string, text: string, clock: Record<string, number>): void => {
    const named = Object.fromEntries(Object.entries(clock).map(([k, v]) => [host(k), v]))
    // Braces only on clock lines: an event like `state {a | b}` would otherwise parse as a clock.
    lines.push(text.replace(/\s+/g, ' ').replace(/\{/g, '(').replace(/\}/g, ')'), `${host(node)} ${JSON.stringify(named)}`)
  }
  for (const r of records) {
    switch (r.kind) {
      case 'send':
      case 'call': {
        const clock = tick(r.node)
        sent.set(r.id, clock)
        event(r.node, `send ${String(r.msg.type)} to ${r.to}`, clock)
        break
      }
      case 'deliver':
      case 'reply':
        event(r.node, `receive ${String(r.msg.type)} from ${r.from}`, tick(r.node, sent.get(r.id)))
        break
      case 'node.crash':
      case 'node.restart':
        event(r.node, r.kind === 'node.crash' ? 'crashed' : 'restarted', tick(r.node))
        break
      case 'state':
        if (r.actor === undefined) event(r.node, `state ${r.to}`, tick(r.node))
        break
    }
  }
  return `${lines.join('\n')}\n`
}
