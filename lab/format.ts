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

/**
 * The width printed text wraps at: the terminal's, or 80 when the output is not a terminal (a
 * pipe, a file, CI's log), where no width is known and 80 is what people read in.
 */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY === true && stream.columns !== undefined && stream.columns >= 40 ? stream.columns : 80
}

/**
 * Wraps `text` (colors allowed: they take no width) at spaces into lines of at most `width`
 * columns, the first starting with `first` and the rest with `rest`. Never cuts: a word longer
 * than the line (a path, a URL) gets a line of its own, whole, so it can still be copied.
 */
export function wrapText(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = []
  let line = first
  let used = plain(first).length
  let empty = true
  for (const word of text.split(' ')) {
    const size = plain(word).length
    if (!empty && used + 1 + size > width) {
      lines.push(line)
      line = rest
      used = plain(rest).length
      empty = true
    }
    line += empty ? word : ` ${word}`
    used += empty ? size : size + 1
    empty = false
  }
  lines.push(line)
  return lines
}

/**
 * A shell command wrapped like `wrapText`, each broken line ending in ` \`, so that the lines
 * copied together still run as one command in a POSIX shell.
 */
export function wrapCommand(command: string, width: number, indent = ''): string[] {
  // A flag and its value stay on one line: the breaks fall before flags.
  const glued = command.replace(/(--[\w-]+) (?!-)/g, '$1\u00a0')
  const lines = wrapText(glued, width - 2, indent, `${indent}    `)
  return lines.map((line, i) => (i < lines.length - 1 ? `${line} \\` : line).replace(/\u00a0/g, ' '))
}

/** Strips colors, for measuring and for tests. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '')
}

export { kleur }
