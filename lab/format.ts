// Shared look of the lab's output: one stable color per node, times in virtual seconds.
import kleur from 'kleur'

const PALETTE = [kleur.cyan, kleur.magenta, kleur.yellow, kleur.green, kleur.blue, kleur.red]
const FIXED: Record<string, (text: string) => string> = {
  network: kleur.yellow,
  lab: kleur.bold,
  grader: kleur.gray,
}

/** A color per endpoint name, stable within a run (by first appearance). */
export class NodeColors {
  private readonly assigned = new Map<string, (text: string) => string>()

  constructor(names: readonly string[] = []) {
    for (const name of names) this.color(name)
  }

  color(name: string): (text: string) => string {
    const fixed = FIXED[name]
    if (fixed) return fixed
    let color = this.assigned.get(name)
    if (!color) {
      color = PALETTE[this.assigned.size % PALETTE.length] as (text: string) => string
      this.assigned.set(name, color)
    }
    return color
  }

  paint(name: string, text = name): string {
    return this.color(name)(text)
  }
}

/** Virtual ms as seconds: `   1.250s`. */
export function formatTime(ms: number, width = 9): string {
  return `${(ms / 1000).toFixed(3)}s`.padStart(width)
}

/** A message in one short phrase: `PUT key=x value=1`. */
export function summarizeMessage(msg: { type: string } & Record<string, unknown>): string {
  const fields = Object.entries(msg)
    .filter(([key]) => key !== 'type' && key !== 'from')
    .map(([key, value]) => `${key}=${shortValue(value)}`)
  return [msg.type, ...fields].join(' ')
}

function shortValue(value: unknown): string {
  if (value && typeof value === 'object' && '$bytes' in value) {
    const { $bytes, hex } = value as { $bytes: number; hex?: string }
    return hex === undefined ? `<${$bytes} bytes>` : `<${hex.replace(/(..)(?!$)/g, '$1 ')}>`
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    return shortValue(bytes.length <= 32 ? { $bytes: bytes.length, hex: Buffer.from(bytes).toString('hex') } : { $bytes: bytes.length })
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text === undefined ? 'undefined' : text.length > 40 ? `${text.slice(0, 37)}...` : text
}

/**
 * A scenario's narration line as printed: bold, a leading `✓ ` in green, a line that starts with
 * `✗ ` all red. Narration is stored in the trace as plain text (the same bytes on a terminal and
 * in a pipe); this is where it gets its color, at print time.
 */
export function paintNarration(text: string): string {
  if (text.startsWith('✗ ')) return kleur.bold().red(text)
  if (text.startsWith('✓ ')) return kleur.bold(`${kleur.green('✓')}${text.slice(1)}`)
  return kleur.bold(text)
}

/** Strips colors, for measuring and for tests. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '')
}

export { kleur }
