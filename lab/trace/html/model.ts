// A trace reduced to what the page draws: lanes (nodes), messages (send → delivery or loss), state
// bands per node, node events (crashes, restarts, errors), faults, checks and narration. Big traces
// keep every message up to MAX_MESSAGES and then an even, deterministic sample (docs/trace.md).
import type { MetaRecord, TraceRecord } from '../../../runtime/index.ts'

/** Messages drawn one by one; beyond this, every k-th is kept and the page says so. */
export const MAX_MESSAGES = 4000
/** Characters of a message's body kept for its panel. */
export const MAX_BODY = 2000

export interface PageMessage {
  id: number
  type: string
  from: string
  to: string
  sent: number
  /** When it was delivered (or replied), lost, or null when the run ended first. */
  end: number | null
  lost?: string
  body: string
}

export interface PageModel {
  title: string
  seed: number | null
  mode: string
  nodes: Array<{ name: string; role: string; note?: string }>
  end: number
  messages: PageMessage[]
  /** How many messages the run had; more than `messages.length` when sampled. */
  totalMessages: number
  states: Array<{ node: string; from: number; to: number; state: string }>
  marks: Array<{ node: string; t: number; kind: string; text: string }>
  checks: Array<{ t: number; ok: boolean; sentence: string }>
  notes: Array<{ t: number; text: string }>
  /** The trace was written below level full: it has no state records, so no state bands. */
  noStates: boolean
}

/** What the endpoints that are not nodes of the run are. */
export const PSEUDO_ENDPOINTS: Record<string, string> = {
  g: "the grader's client: the test's own requests and checks",
  grader: "the grader: its checks",
  network: 'the network: faults and partitions',
  lab: "the scenario's narration",
}

export function pageModel(meta: MetaRecord | null, records: readonly TraceRecord[]): PageModel {
  const nodes: PageModel['nodes'] = []
  const known = new Set<string>()
  // `lab` and `grader` only narrate and check, so they get no lane unless they send.
  const addNode = (name: string, role = '', sends = false): void => {
    if (known.has(name) || (!sends && (name === 'lab' || name === 'grader'))) return
    known.add(name)
    nodes.push(PSEUDO_ENDPOINTS[name] ? { name, role, note: PSEUDO_ENDPOINTS[name] } : { name, role })
  }
  const used = new Set(records.map((r) => r.node))
  for (const e of meta?.endpoints ?? []) if (used.has(e.name)) addNode(e.name, e.role)
  const byId = new Map<number, PageMessage>()
  const all: PageMessage[] = []
  const open = new Map<string, { state: string; from: number }>()
  const model: PageModel = { title: meta?.title ?? 'trace', seed: meta?.seed ?? null, mode: meta?.mode ?? 'sim', nodes, end: 0, messages: [], totalMessages: 0, states: [], marks: [], checks: [], notes: [], noStates: meta?.level === 'net' }
  const closeState = (node: string, t: number): void => {
    const current = open.get(node)
    if (current) model.states.push({ node, from: current.from, to: t, state: current.state })
    open.delete(node)
  }
  for (const r of records) {
    model.end = Math.max(model.end, r.t)
    if (r.node !== 'lab' && r.node !== 'grader') addNode(r.node)
    switch (r.kind) {
      case 'send':
      case 'call': {
        addNode(r.node, '', true)
        addNode(r.to, '', true)
        const m: PageMessage = { id: r.id, type: String(r.msg.type), from: r.node, to: r.to, sent: r.t, end: null, body: bodyOf(r.msg) }
        byId.set(r.id, m)
        all.push(m)
        break
      }
      case 'deliver':
      case 'reply': {
        const m = byId.get(r.id)
        if (m && m.end === null) m.end = r.t
        break
      }
      case 'drop':
      case 'unreachable': {
        const m = byId.get(r.id)
        if (m && m.end === null) {
          m.end = r.t
          m.lost = r.kind === 'drop' ? r.reason : 'unreachable'
        }
        break
      }
      case 'state':
        if (r.actor === undefined) {
          closeState(r.node, r.t)
          open.set(r.node, { state: r.to, from: r.t })
        }
        break
      case 'node.crash':
        closeState(r.node, r.t)
        model.marks.push({ node: r.node, t: r.t, kind: 'crash', text: 'crashed' })
        break
      case 'node.restart':
        model.marks.push({ node: r.node, t: r.t, kind: 'restart', text: `restarted (incarnation ${r.incarnation})` })
        break
      case 'node.error':
        model.marks.push({ node: r.node, t: r.t, kind: 'error', text: r.error })
        break
      case 'timeout':
        model.marks.push({ node: r.node, t: r.t, kind: 'timeout', text: `call ${r.call} to ${r.to} (${r.type}) timed out` })
        break
      case 'fault':
        model.marks.push({ node: r.node, t: r.t, kind: 'fault', text: `${r.fault}: ${r.detail}` })
        break
      case 'console':
        model.marks.push({ node: r.node, t: r.t, kind: 'console', text: r.line })
        break
      case 'check':
        model.checks.push({ t: r.t, ok: r.ok, sentence: r.sentence })
        break
      case 'note':
        model.notes.push({ t: r.t, text: r.text })
        break
    }
  }
  for (const node of [...open.keys()]) closeState(node, model.end)
  model.totalMessages = all.length
  const step = Math.ceil(all.length / MAX_MESSAGES)
  model.messages = step <= 1 ? all : all.filter((_, i) => i % step === 0)
  return model
}

function bodyOf(msg: object): string {
  const text = JSON.stringify(msg, null, 1) ?? ''
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}\n… (${text.length - MAX_BODY} more characters)` : text
}
