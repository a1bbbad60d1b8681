// The score table a student reads at a glance, and for each failure: why, the seed, and the one
// command that replays it with a trace.
import type { GradeReport, TestResult } from '../../graders/harness/runGrader.ts'
import { clusterTraceFile } from '../../graders/harness/TestContext.ts'
import { kleur } from '../format.ts'

export interface ReplayInfo {
  assignment: string
  /** `--solution X` as typed, or undefined for the reference. */
  solution?: string
  seed: number
  /** `--scale` as typed, when not the default. */
  scale?: string
}

export function replayCommand(result: TestResult, info: ReplayInfo): string {
  const solution = info.solution ? ` --solution ${info.solution}` : ''
  const scale = info.scale && info.scale !== 'full' ? ` --scale ${info.scale}` : ''
  return `npm run grade ${info.assignment} --${solution} --test ${result.name} --seed ${info.seed}${scale} --trace traces/${info.assignment}.${result.name}.jsonl`
}

export function formatResult(result: TestResult, info: ReplayInfo, nameWidth: number): string[] {
  const mark = result.passed ? kleur.green('✓') : kleur.red('✗')
  const points = `${result.points}/${result.maxPoints}`.padStart(5)
  const time = kleur.gray(`${(result.wallMs / 1000).toFixed(1)}s`)
  const lines = [`  ${mark} ${result.name.padEnd(nameWidth)} ${result.passed ? points : kleur.red(points)}  ${result.title} ${time}`]
  if (!result.passed) {
    // The reason quotes what the solution said (its errors, its output): set off by a bar, it
    // can never pass for one of the grader's own lines.
    for (const line of (result.reason ?? 'failed').split('\n')) lines.push(`      ${kleur.gray('│')} ${kleur.red(line)}`)
    lines.push(kleur.gray(`      at virtual ${(result.virtualMs / 1000).toFixed(3)} s · seed ${info.seed} · replay with a trace:`))
    lines.push(`      ${replayCommand(result, info)}`)
    // A test of several runs traces each to its own file; the failure is in the last one it ran.
    if ((result.clusters ?? 0) > 1) {
      const n = result.clusters as number
      lines.push(kleur.gray(`      (the test ran ${n} clusters, one after another, and failed in the last: its trace is ${clusterTraceFile(`traces/${info.assignment}.${result.name}.jsonl`, n)})`))
    }
    if (result.trace) lines.push(kleur.gray(`      trace written: ${result.trace} (npm run trace ${result.trace})`))
  }
  return lines
}

export function formatTotal(report: GradeReport): string {
  const all = report.points === report.maxPoints
  const text = `passed ${report.points}/${report.maxPoints} points`
  return all ? kleur.green().bold(text) : kleur.yellow().bold(text)
}
