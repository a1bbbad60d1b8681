// Machine-readable results: our JSON, JUnit XML (CI systems), and Gradescope's results.json.
import type { GradeReport } from '../../graders/harness/runGrader.ts'
import { replayCommand, type ReplayInfo } from './printReport.ts'

export function toJson(report: GradeReport, info: ReplayInfo): string {
  const tests = report.tests.map((t) => ({ ...t, replay: t.passed ? undefined : replayCommand(t, info) }))
  return `${JSON.stringify({ ...report, passed: report.points === report.maxPoints, tests }, null, 2)}\n`
}

export function toJunit(report: GradeReport): string {
  const failures = report.tests.filter((t) => !t.passed).length
  const seconds = (ms: number): string => (ms / 1000).toFixed(3)
  const cases = report.tests.map((t) => {
    const open = `    <testcase classname="${xml(report.assignment)}" name="${xml(t.name)}" time="${seconds(t.wallMs)}">`
    const failure = t.passed ? '' : `\n      <failure message="${xml((t.reason ?? '').split('\n')[0] ?? '')}">${xml(t.reason ?? '')}</failure>\n    `
    return `${open}${failure}</testcase>`
  })
  const total = report.tests.reduce((sum, t) => sum + t.wallMs, 0)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${report.tests.length}" failures="${failures}">`,
    `  <testsuite name="${xml(report.assignment)}" tests="${report.tests.length}" failures="${failures}" time="${seconds(total)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}

export function toGradescope(report: GradeReport, info: ReplayInfo): string {
  const tests = report.tests.map((t) => ({
    name: `${t.name}: ${t.title}`,
    score: t.points,
    max_score: t.maxPoints,
    status: t.passed ? 'passed' : 'failed',
    output: t.passed ? '' : `${t.reason ?? ''}\nreplay: ${replayCommand(t, info)}`,
  }))
  const output = report.unusable ? { output: `The solution could not be graded: ${report.unusable}` } : {}
  return `${JSON.stringify({ score: report.points, max_score: report.maxPoints, ...output, tests }, null, 2)}\n`
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
}
