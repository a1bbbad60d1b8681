// Machine-readable results: our JSON, JUnit XML (CI systems) and Gradescope's results.json. A
// reason quotes what the solution said, so every text here is made plain first: escape sequences
// removed whole, then every character XML 1.0 forbids (the same text goes to JSON and XML).
import type { GradeReport, TestResult } from '../../graders/harness/runGrader.ts'
import { replayCommand, replayTraceFile, traceHtmlCommand, type ReplayInfo } from './printReport.ts'

export function toJson(report: GradeReport, info: ReplayInfo): string {
  const tests = report.tests.map((t) => ({ ...t, failure: t.passed ? undefined : failureType(t, report), replay: t.passed ? undefined : replayCommand(t, info) }))
  return `${JSON.stringify({ ...report, passed: report.points === report.maxPoints, tests }, null, 2)}\n`
}

/** What went wrong in a failed test, as JUnit's failure `type` and our JSON's `failure`. */
export function failureType(result: TestResult, report: Pick<GradeReport, 'unusable'>): string {
  if (report.unusable !== undefined) return 'unusable solution'
  switch (result.kind) {
    case 'check':
      return 'failed check'
    case 'timeout':
      return 'timeout'
    case 'grader':
      return 'grader error'
    default:
      return 'crash'
  }
}

/** The replay command's inputs when the caller has none: the report's own (no --scale). */
export function replayInfoOf(report: GradeReport): ReplayInfo {
  return { assignment: report.assignment, seed: report.seed, solution: report.solution.endsWith('(reference)') ? undefined : report.solution }
}

// ---------------------------------------------------------------------------------------------
// JUnit XML

export interface JunitOptions {
  /** When grading ran (default: now); both schemas want one. Pass it for a file that is the same every time. */
  timestamp?: Date
  /** Default 'localhost', the schema's word for "not said": the file names no machine. */
  hostname?: string
}

/**
 * JUnit XML valid against both common schemas (test/fixtures/junit/: Jenkins' junit-10.xsd and
 * Windy Road's JUnit.xsd), so every CI reader takes it: the strictest shape of the two, i.e. a
 * bare <testsuites>, one testsuite with properties, system-out and system-err, one child per testcase.
 * A failed check, a timeout or a crash is a <failure> of that type; the grader's own trouble an <error>.
 */
export function toJunit(report: GradeReport, info: ReplayInfo = replayInfoOf(report), options: JunitOptions = {}): string {
  const failed = report.tests.filter((t) => !t.passed)
  const errors = failed.filter((t) => failureType(t, report) === 'grader error').length
  const seconds = (ms: number): string => (ms / 1000).toFixed(3)
  const total = report.tests.reduce((sum, t) => sum + t.wallMs, 0)
  // xs:dateTime without a zone (Windy Road's pattern): UTC, said so in the properties.
  const timestamp = (options.timestamp ?? new Date()).toISOString().slice(0, 19)
  const properties: [string, string | number][] = [
    ['assignment', report.assignment],
    ['solution', report.solution],
    ['seed', report.seed],
    ['points', report.points],
    ['max_points', report.maxPoints],
    ['timestamp_zone', 'UTC'],
  ]
  if (report.unusable !== undefined) properties.push(['unusable', report.unusable])
  const cases = report.tests.map((t) => {
    const open = `    <testcase name="${attr(t.name)}" classname="${attr(report.assignment)}" time="${seconds(t.wallMs)}"`
    if (t.passed) return `${open}/>`
    const type = failureType(t, report)
    const element = type === 'grader error' ? 'error' : 'failure'
    const reason = plainText(t.reason ?? 'failed')
    const body = [reason, '', `${t.title} · ${t.points}/${t.maxPoints} points · test seed ${t.seed} · virtual ${seconds(t.virtualMs)} s`, `replay: ${replayCommand(t, info)}`].join('\n')
    return `${open}>\n      <${element} type="${type}" message="${attr(reason.split('\n')[0] ?? '')}">${text(body)}</${element}>\n    </testcase>`
  })
  const out = [`passed ${report.points}/${report.maxPoints} points`, ...failed.map((t) => `replay ${t.name}: ${replayCommand(t, info)}`)].join('\n')
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    `  <testsuite name="${attr(report.assignment)}" tests="${report.tests.length}" failures="${failed.length - errors}" errors="${errors}" skipped="0" time="${seconds(total)}" timestamp="${timestamp}" hostname="${attr(options.hostname ?? 'localhost')}" package="distlab" id="0">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${attr(name)}" value="${attr(String(value))}"/>`),
    '    </properties>',
    ...cases,
    `    <system-out>${text(out)}</system-out>`,
    '    <system-err></system-err>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Gradescope results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/)

export type Visibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible'
export const VISIBILITIES: readonly Visibility[] = ['hidden', 'after_due_date', 'after_published', 'visible']

export interface GradescopeOptions {
  /** Top-level visibility, the default of every test (Gradescope's own default: visible). */
  visibility?: Visibility
  /** Per test name, overriding `visibility`. */
  testVisibility?: Record<string, Visibility>
  /** Who sees what run_autograder printed (Gradescope's default: instructors only). */
  stdoutVisibility?: Visibility
  /** Seconds the whole run took, as the wrapper measured it. */
  executionTime?: number
  /**
   * The `--solution` the replay commands name, when it is not where the student keeps it (on
   * Gradescope: a placeholder, said as one, not /autograder/submission). Default: info.solution.
   */
  replaySolution?: string
  /** Lines for the top of the summary (what ran, type errors, what to do). */
  notes?: string[]
}

export interface GradescopeTest {
  name: string
  score: number
  max_score: number
  status: 'passed' | 'failed'
  output: string
  output_format: 'text'
  visibility: Visibility
}

export interface GradescopeResults {
  score: number
  execution_time?: number
  output: string
  output_format: 'text'
  test_output_format: 'text'
  test_name_format: 'text'
  visibility: Visibility
  stdout_visibility: Visibility
  tests: GradescopeTest[]
}

/**
 * Gradescope's format, field by field as its spec documents them (no top-level max_score: the
 * assignment's total is set on Gradescope; each test carries its own). Every text is "text": it is
 * shown as written, never read as HTML or Markdown, since it quotes the student's output.
 */
export function gradescopeResults(report: GradeReport, info: ReplayInfo, options: GradescopeOptions = {}): GradescopeResults {
  const replay: ReplayInfo = { ...info, solution: options.replaySolution ?? info.solution }
  const visibility = options.visibility ?? 'visible'
  const summary = [...(options.notes ?? []), `${report.assignment}: ${report.points}/${report.maxPoints} points (base seed ${report.seed})`]
  if (report.unusable !== undefined) summary.push('', `Your solution could not be graded, so every test scored 0:`, plainText(report.unusable))
  const results: GradescopeResults = {
    score: report.points,
    output: summary.join('\n'),
    output_format: 'text',
    test_output_format: 'text',
    test_name_format: 'text',
    visibility,
    stdout_visibility: options.stdoutVisibility ?? 'hidden',
    tests: report.tests.map((t) => ({
      name: `${t.name}: ${plainText(t.title)}`,
      score: t.points,
      max_score: t.maxPoints,
      status: t.passed ? 'passed' : 'failed',
      output: t.passed ? '' : failureText(t, report, replay, options.replaySolution),
      output_format: 'text',
      visibility: options.testVisibility?.[t.name] ?? visibility,
    })),
  }
  if (options.executionTime !== undefined) results.execution_time = options.executionTime
  return results
}

export function toGradescope(report: GradeReport, info: ReplayInfo, options: GradescopeOptions = {}): string {
  return `${JSON.stringify(gradescopeResults(report, info, options), null, 2)}\n`
}

/** A failed test, for the student: why, then the command that replays it on their machine. */
function failureText(t: TestResult, report: GradeReport, info: ReplayInfo, placeholder: string | undefined): string {
  const where = placeholder ? ` (with your solution's folder for ${placeholder})` : ''
  const trace = replayTraceFile(t, info)
  return [
    plainText(t.reason ?? 'failed'),
    '',
    `${failureType(t, report)} · test seed ${t.seed} · virtual time ${(t.virtualMs / 1000).toFixed(3)} s`,
    `Replay it on your machine, in the lab's folder${where}:`,
    `  ${replayCommand(t, info)}`,
    'then see its trace as a page:',
    `  ${traceHtmlCommand(trace)}`,
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Text

// CSI (ESC [ … final byte, or its one-byte form 0x9B), OSC (ESC ] … BEL or ESC \) and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[ -~]?/g

/**
 * Text with escape sequences removed whole and only the characters XML 1.0 allows (#x9 | #xA |
 * #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]): no NUL, no lone surrogate. Line
 * ends become \n (Gradescope asks for Unix line ends).
 */
export function plainText(value: string): string {
  let out = ''
  for (const ch of value.replace(ESCAPES, '').replace(/\r\n?/g, '\n')) {
    const c = ch.codePointAt(0) as number
    // A lone surrogate iterates as one code unit in 0xD800-0xDFFF and is dropped with the rest.
    if (c === 0x9 || c === 0xa || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000) out += ch
  }
  return out
}

/** Element content: `]]>` cannot occur once `>` is escaped. */
function text(value: string): string {
  return plainText(value).replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] as string)
}

/** An attribute value: quotes escaped, and tabs and line ends as references, which attribute normalisation keeps. */
function attr(value: string): string {
  return plainText(value).replace(/[<>&"'\t\n]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;' })[c] as string)
}
