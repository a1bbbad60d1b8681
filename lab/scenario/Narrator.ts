// Turns trace records into the lab's live, colored, per-node story.
import type { TraceRecord } from '../../runtime/index.ts'
import { NodeColors, formatTime, kleur, paintNarration, summarizeMessage } from '../format.ts'

export interface NarratorOptions {
  /** Also show every message sent, delivered and dropped. */
  verbose: boolean
  /** A terminal: a live board (see `board`) is redrawn in place below the story. */
  live?: boolean
  write(line: string): void
}

export class Narrator {
  readonly colors = new NodeColors()
  private width = 4
  /** The live board's lines, drawn last; erased and redrawn around every story line. */
  private boardLines: string[] = []

  constructor(private readonly options: NarratorOptions) {}

  /** Lines of the lab itself (chapters, narration) go through here too, to keep one column. */
  chapter(title: string): void {
    this.write('')
    this.write(kleur.bold().underline(title))
  }

  /** A narration line: `text` is plain (as stored in the trace); its color is added here. */
  say(text: string): void {
    this.write(`  ${paintNarration(text)}`)
  }

  /**
   * A block of status lines (progress bars) kept below the story and redrawn in place on a
   * terminal. `keep` prints it into the story for good (and is the only way it shows without a
   * terminal, so logs get the snapshots the scenario chose, not every frame).
   */
  board(lines: string[], options: { keep?: boolean } = {}): void {
    if (!options.keep && !this.options.live) return
    const erase = this.eraseCode()
    this.boardLines = options.keep ? [] : lines
    lines.forEach((line, i) => this.options.write(i === 0 ? erase + line : line))
  }

  private write(line: string): void {
    this.options.write(this.eraseCode() + line)
    for (const board of this.boardLines) this.options.write(board)
  }

  /** Moves the cursor up over the drawn board and clears to the end of the screen. */
  private eraseCode(): string {
    return this.options.live && this.boardLines.length ? `\u001b[${this.boardLines.length}A\u001b[0J` : ''
  }

  names(names: readonly string[]): void {
    for (const name of names) {
      this.colors.color(name)
      this.width = Math.max(this.width, name.length)
    }
  }

  record(record: TraceRecord): void {
    if (record.kind === 'note') return record.heading ? this.chapter(record.text) : this.say(record.text)
    const text = this.describe(record)
    if (text === null) return
    const name = record.node.padEnd(this.width)
    this.write(`${kleur.gray(formatTime(record.t))}  ${this.colors.paint(record.node, name)} ${kleur.gray('│')} ${text}`)
  }

  private describe(record: TraceRecord): string | null {
    const verbose = this.options.verbose
    switch (record.kind) {
      case 'console':
        return record.line
      case 'app.request':
        return kleur.cyan(`⇣ ${summarizeMessage(record.msg as never)}`)
      case 'app.result':
        return kleur.cyan().bold(`⇡ ${summarizeMessage(record.msg as never)}`)
      case 'stdin':
        return kleur.gray(`⟵ ${record.line === '' ? '(empty line)' : record.line}`)
      case 'fault':
        return kleur.yellow(`⚡ ${record.detail}`)
      case 'node.crash':
        return kleur.red('✗ crashed')
      case 'disk.torn':
        return kleur.red(`⌁ its last write to ${record.file} was torn: ${record.kept} of ${record.length} bytes reached the disk`)
      case 'node.restart':
        return kleur.green(`↻ restarted (incarnation ${record.incarnation})`)
      case 'node.error':
        return kleur.red(`✗ ${record.error}`)
      case 'log':
        if (record.level === 'ignored') return kleur.yellow(`? ${record.text}`)
        return kleur.gray(`log: ${record.text}`)
      case 'send':
      case 'call':
        return verbose ? kleur.gray(`→ ${record.to} ${summarizeMessage(record.msg as never)}`) : null
      case 'deliver':
      case 'reply':
        return verbose ? kleur.gray(`⟵ ${record.from} ${summarizeMessage(record.msg as never)}`) : null
      case 'drop':
        return verbose ? kleur.red(`✗ ${record.type} to ${record.to} lost (${record.reason})`) : null
      case 'timeout':
        return kleur.red(`⌛ ${record.type} to ${record.to}: no reply`)
      case 'state':
        return verbose ? kleur.blue(`${record.actor ? `${record.actor}: ` : ''}${record.from ?? '∅'} ⇒ ${record.to}`) : null
      default:
        return null
    }
  }
}
