// Turns trace records into the lab's live, colored, per-node story.
import type { TraceRecord } from '../../runtime/index.ts'
import { NodeColors, formatTime, kleur, summarizeMessage } from '../format.ts'

export interface NarratorOptions {
  /** Also show every message sent, delivered and dropped. */
  verbose: boolean
  write(line: string): void
}

export class Narrator {
  readonly colors = new NodeColors()
  private width = 4

  constructor(private readonly options: NarratorOptions) {}

  /** Lines of the lab itself (chapters, narration) go through here too, to keep one column. */
  chapter(title: string): void {
    this.options.write('')
    this.options.write(kleur.bold().underline(title))
  }

  say(text: string): void {
    this.options.write(kleur.bold(`  ${text}`))
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
    this.options.write(`${kleur.gray(formatTime(record.t))}  ${this.colors.paint(record.node, name)} ${kleur.gray('│')} ${text}`)
  }

  private describe(record: TraceRecord): string | null {
    const verbose = this.options.verbose
    switch (record.kind) {
      case 'console':
        return record.line
      case 'stdin':
        return kleur.gray(`⟵ ${record.line === '' ? '(empty line)' : record.line}`)
      case 'fault':
        return kleur.yellow(`⚡ ${record.detail}`)
      case 'node.crash':
        return kleur.red('✗ crashed')
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
        return verbose ? kleur.blue(`${record.from ?? '∅'} ⇒ ${record.to}`) : null
      default:
        return null
    }
  }
}
