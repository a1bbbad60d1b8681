// The client-side rules of seed 001, checked on what the clients printed: a client sends the
// newest timestamp it has seen for the key, and never gets a value older than that; every value
// read is the value some PUT wrote with that timestamp.
import { parseClientLine, type GetLine, type PutLine } from './kvCluster.ts'

export interface HistoryProblem {
  sentence: string
  detail: string
}

/** `consoles`: client name → its console lines, in order. Returns the first broken rule, if any. */
export function checkClientHistories(consoles: Record<string, readonly string[]>): HistoryProblem | null {
  const parsed: Record<string, Array<PutLine | GetLine>> = {}
  const written = new Map<string, string>() // `${key}@${ts}` → value
  for (const [client, lines] of Object.entries(consoles)) {
    parsed[client] = []
    for (const [i, line] of lines.entries()) {
      const entry = parseClientLine(line)
      if (!entry) return { sentence: `${client} prints only the PUT_OK and GET lines of the seed`, detail: `line ${i + 1}: ${JSON.stringify(line)}` }
      parsed[client]?.push(entry)
      if (entry.kind === 'put') {
        const earlier = written.get(`${entry.key}@${entry.ts}`)
        if (earlier !== undefined && earlier !== entry.value) {
          return { sentence: 'the leader gives every PUT its own timestamp', detail: `key ${entry.key} ts ${entry.ts} was acknowledged for ${JSON.stringify(earlier)} and for ${JSON.stringify(entry.value)}` }
        }
        written.set(`${entry.key}@${entry.ts}`, entry.value)
      }
    }
  }
  for (const [client, entries] of Object.entries(parsed)) {
    const seen = new Map<string, number>()
    for (const [i, entry] of entries.entries()) {
      const newest = seen.get(entry.key) ?? 0
      const where = `${client}, line ${i + 1}`
      if (entry.kind === 'put') {
        seen.set(entry.key, Math.max(newest, entry.ts))
        continue
      }
      if (entry.mine !== newest) {
        return { sentence: 'a client sends with GET the newest timestamp it has seen for the key', detail: `${where}: sent ${entry.mine}, had seen ${newest} for ${entry.key}` }
      }
      if (entry.value === 'TRY_OTHER_SERVER_OR_LATER') {
        if (entry.theirs >= entry.mine) return { sentence: 'TRY_OTHER_SERVER_OR_LATER only comes from a server whose timestamp is older than the client\'s', detail: `${where}: server ts ${entry.theirs} ≥ client ts ${entry.mine}` }
        continue
      }
      if (entry.theirs < newest) {
        return { sentence: 'a client never reads a value older than one it has seen', detail: `${where}: got ${entry.key}=${entry.value} at ts ${entry.theirs} after seeing ts ${newest}` }
      }
      const expected = entry.theirs === 0 ? 'NULL' : written.get(`${entry.key}@${entry.theirs}`)
      if (expected !== undefined && expected !== entry.value) {
        return { sentence: 'a value read is the value written with that timestamp', detail: `${where}: read ${entry.key}=${entry.value} at ts ${entry.theirs}, but that timestamp was written as ${expected}` }
      }
      seen.set(entry.key, Math.max(newest, entry.theirs))
    }
  }
  return null
}
