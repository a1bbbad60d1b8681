// Runs a grader's tests one by one, each with its own seed, in fresh clusters, bounded in virtual
// time (the clusters' maxTime) and in wall time (a race here). A solution that throws, hangs or
// never answers fails that test with a reason; the grader itself always finishes.
import { cpuDeadline, deriveSeed, HARD_CAP, isDistlabError, messageOf, type Deadline, type NodeLimits, type Wire } from '../../runtime/index.ts'
import { CheckFailed } from './CheckFailed.ts'
import { maxPoints, type Grader, type GraderTest } from './defineGrader.ts'
import type { Solution } from './solution.ts'
import { GraderTestContext, type Scale } from './TestContext.ts'
import { didYouMean } from '../../lab/suggest.ts'

export interface GradeOptions {
  assignment: string
  solution: Solution
  /** Each test's seed is derived from this and the test's name. */
  seed: number
  /** The size of the runs (default 'full'; see Scale). */
  scale?: Scale
  /** Run only these tests (by name). */
  only?: string[]
  /** Stop after the first test that fails (the mutation runner needs only to know a mutant lost). */
  stopAtFirstFailure?: boolean
  /** Write the trace of each test (`name` inserted when several tests run). */
  traceFile?: string
  /** Insert the test's name into traceFile even when one test runs (a resumed run of several). */
  traceNamed?: boolean
  /** Per-node resource limits for every cluster (default: NODE_LIMITS). */
  limits?: Partial<NodeLimits>
  /** 'real': every cluster on loopback sockets in wall-clock time (a smoke run; verdicts, not traces, match sim). */
  mode?: 'sim' | 'real'
  /** Real mode: how the assignment's messages travel. */
  wire?: Wire
  onTestStart?(test: GraderTest, index: number, total: number): void
  /** A long test says where it is (see TestContext.progress). */
  onTestProgress?(test: GraderTest, text: string): void
  onTestEnd?(result: TestResult): void
}

export interface TestResult {
  name: string
  title: string
  points: number
  maxPoints: number
  passed: boolean
  /** Why it failed: the violated sentence, the node that threw, the call that got no answer. */
  reason?: string
  kind?: 'check' | 'solution' | 'timeout' | 'grader'
  seed: number
  wallMs: number
  /** Virtual time of the test's clusters, added up. */
  virtualMs: number
  /** How many clusters the test ran, one after another (a torrent group runs one per swarm); a failure is in the last. */
  clusters?: number
  trace?: string
}

export interface GradeReport {
  assignment: string
  solution: string
  seed: number
  points: number
  maxPoints: number
  tests: TestResult[]
  /** Set when the solution could not be graded at all (missing files, no build): why. */
  unusable?: string
  /** What tsc said about the solution before any test ran (not run for the reference); grading went on regardless. */
  typeCheck?: TypeCheckResult
}

/** A solution's type check: the errors tsc found (none: it type-checks), or why it could not run. */
export interface TypeCheckResult {
  errors: TypeDiagnostic[]
  /** Set when the check itself could not be done (tsc missing or too slow): the errors are unknown. */
  failure?: string
}

/** One type error, at a path relative to the solution's directory: `server.ts:81:84 error TS2353: …`. */
export interface TypeDiagnostic {
  file: string
  line: number
  column: number
  /** `TS2353` */
  code: string
  /** tsc's message; its elaborations on further lines. */
  message: string
}

export const DEFAULT_TIME_LIMIT = 60_000
export const DEFAULT_WALL_LIMIT = 30_000

export function selectTests(grader: Grader, only?: string[]): GraderTest[] {
  if (!only?.length) return grader.tests
  const unknown = only.filter((name) => !grader.tests.some((t) => t.name === name))
  if (unknown.length) {
    const names = grader.tests.map((t) => t.name)
    throw new TypeError(`no test named ${unknown.map((n) => `'${n}'${didYouMean(n, names)}`).join(', ')} in the ${grader.assignment} grader; tests: ${names.join(', ')}`)
  }
  return grader.tests.filter((t) => only.includes(t.name))
}

export async function runGrader(grader: Grader, options: GradeOptions): Promise<GradeReport> {
  const tests = selectTests(grader, options.only)
  const results: TestResult[] = []
  for (const [index, test] of tests.entries()) {
    options.onTestStart?.(test, index, tests.length)
    const traceFile = options.traceFile && traceFileOf(options.traceFile, test.name, tests.length > 1 || options.traceNamed === true)
    const result = await runTest(test, { ...options, traceFile })
    results.push(result)
    options.onTestEnd?.(result)
    if (options.stopAtFirstFailure && !result.passed) break
  }
  return {
    assignment: grader.assignment,
    solution: options.solution.label,
    seed: options.seed,
    points: results.reduce((sum, r) => sum + r.points, 0),
    maxPoints: options.only?.length ? tests.reduce((sum, t) => sum + t.points, 0) : maxPoints(grader),
    tests: results,
  }
}

/** Wall ms a test may take at a scale. */
export function wallLimitOf(test: GraderTest, scale: Scale): number {
  return typeof test.wallLimit === 'object' ? test.wallLimit[scale] : (test.wallLimit ?? DEFAULT_WALL_LIMIT)
}

/** The trace file of one test: `FILE` alone, or with the test's name before the extension. */
export function traceFileOf(file: string, test: string, named: boolean): string {
  return named ? file.replace(/(\.jsonl(\.gz)?)?$/, `.${test}$1`) : file
}

async function runTest(test: GraderTest, options: GradeOptions): Promise<TestResult> {
  const seed = deriveSeed(options.seed, test.name)
  const wallLimit = wallLimitOf(test, options.scale ?? 'full')
  const context = new GraderTestContext({
    seed,
    scale: options.scale,
    solution: options.solution,
    timeLimit: test.timeLimit ?? DEFAULT_TIME_LIMIT,
    traceFile: options.traceFile,
    limits: options.limits,
    mode: options.mode,
    wire: options.wire,
    onProgress: options.onTestProgress && ((text) => options.onTestProgress?.(test, text)),
    title: `${options.assignment} · ${test.name} · base seed ${options.seed} · ${options.solution.label}`,
  })
  const started = performance.now()
  // Over its limit in wall AND CPU time: a machine busy with other work slows a test, never fails it.
  let deadline: Deadline | undefined
  const overtime = new Promise<never>((_, reject) => {
    deadline = cpuDeadline(wallLimit, (byCap) => reject(new WallLimit(wallLimit, byCap)))
  })
  let failure: unknown = null
  try {
    await Promise.race([test.run(context), overtime])
  } catch (err) {
    failure = err
  } finally {
    deadline?.cancel()
    await context.dispose()
  }
  // A test's clusters run one after another (a torrent group's runs): its virtual time is their sum.
  const virtualMs = context.clusters.reduce((sum, c) => sum + c.now, 0)
  const base = { name: test.name, title: test.title, maxPoints: test.points, seed, wallMs: Math.round(performance.now() - started), virtualMs, clusters: context.clusters.length, trace: options.traceFile }
  if (failure === null) return { ...base, points: test.points, passed: true }
  return { ...base, points: 0, passed: false, ...explain(failure) }
}

class WallLimit extends Error {
  constructor(readonly ms: number, byCap: boolean) {
    super(
      byCap
        ? `the test took more than ${(ms * HARD_CAP) / 1000} s of wall time (${HARD_CAP} times its limit of ${ms / 1000} s) without computing much: it waited for something that never came; its nodes were stopped`
        : `the test took more than ${ms / 1000} s of wall time and of CPU time; its nodes were stopped`,
    )
  }
}

/** Turns whatever ended a test into a reason a student can act on. */
function explain(err: unknown): Pick<TestResult, 'reason' | 'kind'> {
  if (err instanceof CheckFailed) return { kind: 'check', reason: err.message }
  if (err instanceof WallLimit) return { kind: 'timeout', reason: err.message }
  if (isDistlabError(err, 'NODE_FAILED') || isDistlabError(err, 'NODE_HUNG') || isDistlabError(err, 'NODE_LOAD')) return { kind: 'solution', reason: err.message }
  if (isDistlabError(err, 'CALL_TIMEOUT')) return { kind: 'timeout', reason: `no answer: ${err.message}` }
  if (isDistlabError(err, 'TIME_LIMIT') || isDistlabError(err, 'IDLE')) return { kind: 'timeout', reason: err.message }
  return { kind: 'grader', reason: `the grader could not finish this test: ${messageOf(err)}` }
}
