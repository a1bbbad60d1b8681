// The score table a student reads at a glance, and for each failure: why, the seed, and the one
// command that replays it with a trace. Everything wraps at the output's width, never cut: a
// student copies these lines.
import type { GradeReport, TestResult } from '../../graders/harness/runGrader.ts'
import { clusterTraceFile } from '../../graders/harness/TestContext.ts'
import { kleur, outputWidth, wrapCommand, wrapText } from '../format.ts'

export interface ReplayInfo {
  assignment: string
  /** `--solution X` as typed, or undefined for the reference. */
  solution?: string
  seed: number
  /** `--scale` as typed, when not the default. */
  scale?: string
}

/** Where a replayed test writes its trace. */
export function replayTraceFile(result: Pick<TestResult, 'name'>, info: ReplayInfo): string {
  return `traces/${info.assignment}.${result.name}.jsonl`
}

/** The command that runs one test again, alone, with the same seed, writing its trace. */
export function replayCommand(result: Pick<TestResult, 'name'>, info: ReplayInfo): string {
  const solution = info.solution ? ` --solution ${shellWord(info.solution)}` : ''
  const scale = info.scale && info.scale !== 'full' ? ` --scale ${info.scale}` : ''
  return `npx distlab grade ${info.assignment}${solution} --test ${result.name} --seed ${info.seed}${scale} --trace ${replayTraceFile(result, info)}`
}

/** The command that turns a trace into the page that shows it (docs/trace.md). */
export function traceHtmlCommand(traceFile: string): string {
  return `npx distlab trace ${traceFile} --html ${traceFile.replace(/\.jsonl(\.gz)?$/, '')}.html`
}

export function formatResult(result: TestResult, info: ReplayInfo, nameWidth: number, width = outputWidth()): string[] {
  const mark = result.passed ? kleur.green('✓') : kleur.red('✗')
  const points = `${result.points}/${result.maxPoints}`.padStart(5)
  const time = kleur.gray(`${(result.wallMs / 1000).toFixed(1)}s`.padStart(5))
  const head = `  ${mark} ${result.name.padEnd(nameWidth)} ${result.passed ? points : kleur.red(points)} ${time}  `
  // The title's continuation lines align under it, unless that leaves too little room.
  const hang = nameWidth + 18 <= width / 2 ? ' '.repeat(nameWidth + 18) : '      '
  const lines = wrapText(result.title, width, head, hang)
  if (!result.passed) {
    // The reason quotes what the solution said (its errors, its output): set off by a bar, it
    // can never pass for one of the grader's own lines.
    const bar = `      ${kleur.gray('│')} `
    for (const line of (result.reason ?? 'failed').split('\n')) lines.push(...wrapText(kleur.red(line), width, bar))
    lines.push(...wrapText(kleur.gray(`at virtual ${(result.virtualMs / 1000).toFixed(3)} s · seed ${info.seed} · replay it with a trace, then see the trace as a page:`), width, '      '))
    lines.push(...wrapCommand(replayCommand(result, info), width, '      '))
    // A test of several runs traces each to its own file; the failure is in the last one it ran.
    let traceFile = replayTraceFile(result, info)
    if ((result.clusters ?? 0) > 1) {
      const n = result.clusters as number
      traceFile = clusterTraceFile(traceFile, n)
      lines.push(...wrapText(kleur.gray(`(the test ran ${n} clusters, one after another, and failed in the last: its trace is ${traceFile})`), width, '      '))
    }
    lines.push(...wrapCommand(traceHtmlCommand(traceFile), width, '      '))
    if (result.trace) lines.push(...wrapText(kleur.gray(`trace written: ${result.trace} (see it: ${traceHtmlCommand(result.trace)})`), width, '      '))
  }
  return lines
}

export function formatTotal(report: GradeReport): string {
  const all = report.points === report.maxPoints
  const text = `passed ${report.points}/${report.maxPoints} points`
  return all ? kleur.green().bold(text) : kleur.yellow().bold(text)
}

/** The closing list: each failed test and the command that replays it, so nothing is scrolled for. */
export function formatFailures(report: GradeReport, info: ReplayInfo, width = outputWidth()): string[] {
  const failed = report.tests.filter((t) => !t.passed)
  if (failed.length === 0) return []
  const lost = failed.reduce((sum, t) => sum + t.maxPoints - t.points, 0)
  const lines = [kleur.bold(`${failed.length} ${failed.length === 1 ? 'test' : 'tests'} failed (${lost} ${lost === 1 ? 'point' : 'points'} lost); replay each with:`)]
  for (const t of failed) {
    lines.push(`  ${kleur.red('✗')} ${t.name}`)
    lines.push(...wrapCommand(replayCommand(t, info), width, '    '))
  }
  return lines
}

/** A path as one shell word: quoted only when it needs to be. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}
