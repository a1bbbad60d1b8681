// Keeps secrets (tokens, passwords) out of traces: it learns them from the messages records carry,
// through the run's `secrets` option, and shows every later occurrence, in any string of any
// record, as «secret». Records are copied where they change, never edited: the message in a
// record may be the very object a node or a driver still receives.
import type { Message } from '../node/types.ts'
import type { TraceRecord } from './records.ts'

/** The `secrets` cluster option: the secrets in one message. */
export type SecretFinder = (msg: Message) => string[]

export const SECRET_SHOWN = '«secret»'

/** Shorter strings are not taken as secrets: a finder returning 'a' would scrub every trace to noise. */
export const MIN_SECRET_LENGTH = 4

/** Top-level fields that name endpoints or the record's kind: tools key on them, and they are public (the header lists endpoints). */
const KEPT_FIELDS: ReadonlySet<string> = new Set(['kind', 'node', 'to', 'from'])

export class SecretScrubber {
  private readonly secrets = new Set<string>()
  private pattern: RegExp | null = null
  private stale = false

  constructor(private readonly find: SecretFinder) {}

  /** Remembers the secrets of a message for the rest of the run. */
  learn(msg: unknown): void {
    if (typeof msg !== 'object' || msg === null) return
    try {
      const found: unknown = this.find(msg as Message)
      const list: unknown[] = typeof found === 'string' ? [found] : Array.isArray(found) ? found : []
      for (const secret of list) if (typeof secret === 'string') for (const form of shownForms(secret)) this.add(form)
    } catch {
      // A finder's bug must not fail the run; this message just teaches nothing (more).
    }
  }

  /** The record with every known secret replaced (the record itself when none occurs in it). */
  scrub(record: TraceRecord): TraceRecord {
    if ('msg' in record) this.learn(record.msg)
    const pattern = this.currentPattern()
    if (!pattern) return record
    let copy: Record<string, unknown> | null = null
    for (const [key, value] of Object.entries(record)) {
      if (KEPT_FIELDS.has(key)) continue
      const clean = this.clean(value, pattern, new Set())
      if (clean !== value) (copy ??= { ...record })[key] = clean
    }
    return (copy as TraceRecord | null) ?? record
  }

  private add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return
    this.secrets.add(secret)
    this.stale = true
  }

  private currentPattern(): RegExp | null {
    if (this.stale) {
      // Longest first: a secret that contains another is replaced whole.
      const sorted = [...this.secrets].sort((a, b) => b.length - a.length)
      this.pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g')
      this.stale = false
    }
    return this.pattern
  }

  /** Copy-on-write walk: unchanged parts are returned as they are. `path` guards against cycles. */
  private clean(value: unknown, pattern: RegExp, path: Set<object>): unknown {
    if (typeof value === 'string') return value.replace(pattern, SECRET_SHOWN)
    if (typeof value !== 'object' || value === null || path.has(value)) return value
    // Bytes are written as their size: there is no text in them to show.
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value
    path.add(value)
    try {
      const clean = (item: unknown): unknown => this.clean(item, pattern, path)
      if (Array.isArray(value)) return cleanEach(value, clean) ?? value
      if (value instanceof Map) {
        const entries = cleanEach([...value].flat(), clean)
        return entries ? new Map(pairs(entries)) : value
      }
      if (value instanceof Set) {
        const items = cleanEach([...value], clean)
        return items ? new Set(items) : value
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return value
      // Keys are cleaned too. fromEntries defines properties: a `__proto__` key stays a key.
      const entries = cleanEach(Object.entries(value).flat(), clean)
      return entries ? Object.fromEntries(pairs(entries)) : value
    } finally {
      path.delete(value)
    }
  }
}

/** The items cleaned, or null when none changed (so the caller keeps the original). */
function cleanEach(items: unknown[], clean: (item: unknown) => unknown): unknown[] | null {
  let copy: unknown[] | null = null
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    const cleaned = clean(item)
    if (cleaned !== item) (copy ??= items.slice())[i] = cleaned
  }
  return copy
}

/** [k1, v1, k2, v2, ...] back into entries. */
function pairs(flat: unknown[]): Array<[unknown, unknown]> {
  const out: Array<[unknown, unknown]> = []
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]])
  return out
}

/** The secret as it is, and as it reads inside a JSON string or a URL, where it may also appear. */
function shownForms(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1)]
  try {
    forms.push(encodeURIComponent(secret))
  } catch {
    // A lone surrogate has no URL form.
  }
  return forms
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
