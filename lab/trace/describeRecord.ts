// One record as a short colored phrase for a timeline cell.
import type { TraceRecord } from '../../runtime/index.ts'
import { kleur, paintNarration, summarizeMessage } from '../format.ts'

type Msg = { type: string } & Record<string, unknown>

export function describeRecord(record: TraceRecord): string {
  switch (record.kind) {
    case 'send':
      return `→ ${record.to} ${summarizeMessage(record.msg as Msg)}`
    case 'call':
      return `→ ${record.to} ${summarizeMessage(record.msg as Msg)} ${kleur.gray(`(call ${record.call})`)}`
    case 'deliver':
      return kleur.gray(`← ${record.from} `) + summarizeMessage(record.msg as Msg)
    case 'reply':
      return kleur.gray(`← ${record.from} `) + summarizeMessage(record.msg as Msg) + kleur.gray(` (reply ${record.call})`)
    case 'drop':
      return kleur.red(`✗ ${record.type} → ${record.to} lost: ${record.reason}`)
    case 'unreachable':
      return kleur.red(`✗ nobody at ${record.to} (${record.type})`)
    case 'pool':
      return kleur.magenta(`⚙ hash ${record.id}: ${record.parts} part${record.parts === 1 ? '' : 's'}, ${record.bytes} B`) + kleur.gray(` (done at ${record.at})`)
    case 'pool.done':
      return kleur.magenta(`⚙ hashed ${record.id}`)
    case 'timeout':
      return kleur.red(`⌛ call ${record.call} (${record.type} → ${record.to}) timed out`)
    case 'state':
      return (record.actor ? kleur.blue(`${record.actor}: `) : '') + kleur.inverse().blue(` ${record.from ?? '∅'} ⇒ ${record.to} `) + kleur.gray(` on ${record.event}`)
    case 'console':
      return kleur.white().bold(record.line)
    case 'prompt':
      return kleur.gray(`? ${record.text}`)
    case 'app.request':
      return kleur.cyan(`⇣ app: ${summarizeMessage(record.msg as Msg)}`)
    case 'app.result':
      return kleur.cyan().bold(`⇡ app: ${summarizeMessage(record.msg as Msg)}`)
    case 'stdin':
      return kleur.cyan(`⌨ ${record.line === '' ? '(empty)' : record.line}`)
    case 'log':
      return record.level === 'ignored' ? kleur.yellow(`⚠ ${record.text}`) : kleur.gray(`log ${record.text}`)
    case 'timer.set':
      return kleur.gray(`⏲ timer ${record.timer} +${record.delay}ms`)
    case 'timer.fire':
      return kleur.gray(`⏰ timer ${record.timer}`)
    case 'timer.cancel':
      return kleur.gray(`⏲ timer ${record.timer} cancelled`)
    case 'node.start':
      return kleur.green(`▶ started (incarnation ${record.incarnation})`)
    case 'node.crash':
      return kleur.red().bold('✗ CRASHED')
    case 'node.restart':
      return kleur.green(`↻ restarting (incarnation ${record.incarnation})`)
    case 'node.error':
      return kleur.red().bold(`✗ ${record.error.split('\n')[0]}`)
    case 'disk.torn':
      return kleur.red(`⌁ torn write: ${record.file} [${record.offset}, +${record.length}) kept ${record.kept} bytes`)
    case 'fault':
      return kleur.yellow(`⚡ ${record.detail}`)
    case 'check':
      return record.ok ? kleur.green(`✓ ${record.sentence}`) : kleur.red().bold(`✗ ${record.sentence}`)
    case 'note':
      return record.heading ? kleur.bold().underline(record.text) : paintNarration(record.text)
  }
}
