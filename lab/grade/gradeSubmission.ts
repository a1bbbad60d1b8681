// The trusted side of grading. It finds and unpacks the solution, compiles everything, starts the
// sandbox that runs the tests (SandboxProcess), believes only authenticated, well-formed verdicts,
// scores them with the grader's own points, and restarts the sandbox after a test that broke it,
// so the remaining tests still run. It never loads the solution's code. Everything it creates
// lives in one run directory, removed when it ends, also on failure or Ctrl-C.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, copyFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import type { Assignment } from '../../assignments/registry.ts'
import { deriveSeed, DistlabError, HARD_CAP, isDistlabError, messageOf, type NodeLimits } from '../../runtime/index.ts'
import { cleanText } from '../../runtime/sandbox.ts'
import type { Grader, GraderTest } from '../../graders/harness/defineGrader.ts'
import { runGrader, traceFileOf, wallLimitOf, type GradeReport, type TestResult, type TypeCheckResult } from '../../graders/harness/runGrader.ts'
import { preflightSolution, solutionOf, type SolutionFiles } from '../../graders/harness/solution.ts'
import type { Scale } from '../../graders/harness/TestContext.ts'
import type { SandboxMessage, SandboxResult } from '../../graders/sandbox/protocol.ts'
import { buildSandbox } from './buildSandbox.ts'
import { SandboxProcess } from './SandboxProcess.ts'
import { openSolution } from './openSolution.ts'
import { makeParents } from './outputs.ts'
import { inOrder, planLanes } from './lanes.ts'
import { isInCheckout, typecheckSolution } from './typecheck.ts'

export interface GradeRequest {
  assignment: Assignment
  grader: Grader
  /** The tests to run, in order. */
  tests: GraderTest[]
  /** `--solution` as typed: a directory or a .zip; the reference when undefined. */
  source?: string
  seed: number
  scale: Scale
  /** Write each test's trace here (the test's name is added when several run). */
  traceFile?: string
  limits?: Partial<NodeLimits>
  /** Memory of the whole sandbox, in MiB (default MEMORY_LIMIT_MB). */
  memoryMb?: number
  /** Run in this process, without a sandbox: for trusted code only (the reference, measurements). */
  trusted?: boolean
  /**
   * Sandboxes that grade at once, each a lane of the tests (default 1; `grade --jobs`). Results
   * still arrive in the tests' order. `--trusted` grading runs in this process, one at a time.
   */
  jobs?: number
  /** Name trace files after their tests (set by the lanes: a lane of one test still names it). */
  traceNamed?: boolean
  /** What grading is doing before the first test starts (building, starting the sandbox). */
  onPhase?(text: string): void
  /** The solution's type check, before the first test (not run for the reference). */
  onTypeCheck?(result: TypeCheckResult): void
  onTestStart?(test: GraderTest, index: number, total: number): void
  onTestProgress?(test: GraderTest, text: string): void
  onTestEnd?(result: TestResult): void
}

export const MEMORY_LIMIT_MB = 8192
/** Wall time the parent adds to a test's own limit before it stops a sandbox that stopped answering. */
const GRACE_MS = 15_000
const PREFLIGHT_MS = 60_000

/** Grades; a solution that cannot be used at all gets a report of zeros with `unusable` set. */
export async function gradeSubmission(request: GradeRequest): Promise<GradeReport> {
  const run = mkdtempSync(join(tmpdir(), 'distlab-grade-'))
  const stopOnSignal = (): void => {
    SandboxProcess.killAll('grading was interrupted')
    rmSync(run, { recursive: true, force: true })
    process.exit(130)
  }
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)
  try {
    let found: SolutionFiles
    try {
      found = locate(request, join(run, 'submission'))
    } catch (err) {
      return unusable(request, err)
    }
    // Type errors are warnings, said before the first test; they never stop grading.
    const checking = typeCheckOf(request, found, join(run, 'typecheck'))
    if (request.trusted) {
      const typeCheck = await checking
      return withTypeCheck(await gradeInProcess(request, found), typeCheck)
    }
    const bundles = join(run, 'bundles')
    let build
    try {
      request.onPhase?.(`compiling ${found.label} and the grader (esbuild)`)
      build = await buildSandbox(bundles, found.files, request.grader.modules ?? [])
    } catch (err) {
      return withTypeCheck(unusable(request, err, found.label), await checking)
    }
    const typeCheck = await checking
    const setup = { entry: build.entry, manifest: build.manifest, read: [`${bundles}/`] }
    const report = await gradeInLanes(request, found, (lane, index) => {
      const scratch = join(run, `scratch-${index}`)
      mkdirSync(scratch)
      return gradeInSandbox(lane, found, { ...setup, scratch }).finally(() => {
        if (request.traceFile) moveTraces(join(scratch, 'traces'), dirname(resolve(request.traceFile)))
      })
    })
    return withTypeCheck(report, typeCheck)
  } finally {
    process.off('SIGINT', stopOnSignal)
    process.off('SIGTERM', stopOnSignal)
    rmSync(run, { recursive: true, force: true, maxRetries: 3 })
  }
}

/** tsc over the solution (lab/grade/typecheck.ts); the reference, mutants and fixtures are left out: the checkout's own tsc covers them. */
async function typeCheckOf(request: GradeRequest, found: SolutionFiles, workDir: string): Promise<TypeCheckResult | undefined> {
  if (found.isReference || isInCheckout(found.dir)) return undefined
  const result = await typecheckSolution(found.dir, { workDir })
  request.onTypeCheck?.(result)
  return result
}

function withTypeCheck(report: GradeReport, typeCheck: TypeCheckResult | undefined): GradeReport {
  return typeCheck ? { ...report, typeCheck } : report
}

function locate(request: GradeRequest, unpackTo: string): SolutionFiles {
  return openSolution({ roles: request.assignment.roles, referenceDir: request.assignment.referenceDir }, request.source, unpackTo)
}

/** The tests dealt into `request.jobs` lanes, graded at once; one report, in the tests' order. */
async function gradeInLanes(request: GradeRequest, found: SolutionFiles, grade: (lane: GradeRequest, index: number) => Promise<GradeReport>): Promise<GradeReport> {
  const lanes = planLanes(request.tests, request.jobs ?? 1, (t) => wallLimitOf(t, request.scale))
  const names = request.tests.map((t) => t.name)
  let started = 0
  const shared: Partial<GradeRequest> = {
    traceNamed: request.tests.length > 1,
    onTestStart: (test) => request.onTestStart?.(test, started++, request.tests.length),
    onTestEnd: inOrder(names, (r: TestResult) => r.name, request.onTestEnd),
  }
  const reports = await Promise.all(lanes.map((tests, i) => grade({ ...request, ...shared, tests }, i)))
  const unusableLane = reports.find((r) => r.unusable !== undefined)
  if (unusableLane) return unusable(request, new DistlabError('NODE_LOAD', unusableLane.unusable as string), found.label)
  const byName = new Map(reports.flatMap((r) => r.tests).map((t) => [t.name, t]))
  return report(request, found.label, names.map((name) => byName.get(name) as TestResult))
}

interface SandboxSetup {
  entry: string
  manifest: Record<string, string>
  read: string[]
  scratch: string
}

async function gradeInSandbox(request: GradeRequest, found: SolutionFiles, setup: SandboxSetup): Promise<GradeReport> {
  const results: TestResult[] = []
  const named = request.traceNamed ?? request.tests.length > 1
  let preflight = true
  let failedStarts = 0
  while (results.length < request.tests.length) {
    const remaining = request.tests.slice(results.length)
    let current: GraderTest | null = null
    let ready = false
    let unusableReason: string | null = null
    let wallTimer: NodeJS.Timeout | undefined
    if (preflight) request.onPhase?.('starting the sandbox and loading the solution')
    const sandbox: SandboxProcess = new SandboxProcess({
      entry: setup.entry,
      read: setup.read,
      scratch: setup.scratch,
      memoryMb: request.memoryMb ?? MEMORY_LIMIT_MB,
      job: {
        assignment: request.assignment.id,
        solution: found,
        seed: request.seed,
        scale: request.scale,
        tests: remaining.map((t) => t.name),
        traceFile: request.traceFile && join(setup.scratch, 'traces', basename(request.traceFile)),
        traceNamed: named,
        manifest: setup.manifest,
        limits: request.limits,
        preflight,
      },
      onMessage: (message: SandboxMessage) => {
        const expected = request.tests[results.length]
        switch (message.type) {
          case 'unusable':
            unusableReason = message.reason
            break
          case 'ready':
            ready = true
            break
          case 'test-start': {
            // Only a test started counts as progress: a sandbox that says ready and dies before
            // every test would otherwise be restarted forever.
            failedStarts = 0
            // A start out of order means verdicts were lost on the way: those tests failed.
            if (current) current = lose(current, 'its verdict never arrived')
            const index = request.tests.findIndex((t, i) => i >= results.length && t.name === message.name)
            if (index < 0) return sandbox.kill('the sandbox named a test it was not asked to run')
            while (results.length < index) lose(request.tests[results.length] as GraderTest, 'its verdict never arrived')
            const test = request.tests[index] as GraderTest
            current = test
            request.onTestStart?.(test, results.length, request.tests.length)
            clearTimeout(wallTimer)
            // The sandbox's own limit may stretch to HARD_CAP times on a busy machine (cpuDeadline):
            // this one is for a sandbox that stopped answering at all, so it waits for the longest.
            const limit = wallLimitOf(test, request.scale) * HARD_CAP + GRACE_MS
            wallTimer = setTimeout(() => sandbox.kill(`the test took more than ${Math.round(limit / 1000)} s of wall time and the sandbox stopped answering; it was stopped`), limit)
            break
          }
          case 'progress':
            if (current?.name === message.name) request.onTestProgress?.(current, message.text)
            break
          case 'test-end':
            if (!current || current !== expected || message.result.name !== current.name) return sandbox.kill('the sandbox reported a verdict for a test that was not running')
            clearTimeout(wallTimer)
            record(current, message.result)
            current = null
            break
          case 'done':
            clearTimeout(wallTimer)
            break
        }
      },
    })
    const startTimer = setTimeout(() => {
      if (!ready) sandbox.kill(`loading the solution took more than ${PREFLIGHT_MS / 1000} s of wall time; the sandbox was stopped`)
    }, PREFLIGHT_MS)
    const end = await sandbox.ended
    clearTimeout(startTimer)
    clearTimeout(wallTimer)
    if (unusableReason !== null) return unusable(request, new DistlabError('NODE_LOAD', unusableReason), found.label)
    const tampered = end.forged > 0 ? ` (${end.forged} lines on the grader's channel were not the sandbox's: the solution wrote to it)` : ''
    if (current) lose(current, `${end.reason}${tampered}`)
    else if (!end.finished && results.length < request.tests.length) {
      // It died between tests (or before the first): nothing to blame on one test, unless it keeps happening.
      if (preflight && results.length === 0) return unusable(request, new DistlabError('NODE_LOAD', `loading the solution stopped the sandbox: ${end.reason}`), found.label)
      if (++failedStarts >= 2) {
        for (const test of request.tests.slice(results.length)) lose(test, `the grading sandbox could not run it: ${end.reason}`)
      }
    } else if (end.finished && results.length < request.tests.length) {
      for (const test of request.tests.slice(results.length)) lose(test, `its verdict never arrived${tampered}`)
    }
    preflight = false
  }
  return report(request, found.label, results)

  function record(test: GraderTest, result: SandboxResult): void {
    const done = scored(request, test, result.passed, { reason: result.reason, kind: result.kind, wallMs: result.wallMs, virtualMs: result.virtualMs, clusters: result.clusters })
    if (request.traceFile) done.trace = traceFileOf(request.traceFile, test.name, named)
    results.push(done)
    request.onTestEnd?.(done)
  }

  function lose(test: GraderTest, why: string): null {
    record(test, { name: test.name, passed: false, reason: why, kind: 'solution', wallMs: 0, virtualMs: 0 })
    return null
  }
}

/** In this process, no sandbox: `--trusted`, for the reference and for measuring the sandbox's cost. */
async function gradeInProcess(request: GradeRequest, found: SolutionFiles): Promise<GradeReport> {
  try {
    await preflightSolution(found.files)
  } catch (err) {
    return unusable(request, err, found.label)
  }
  const report = await runGrader(request.grader, {
    assignment: request.assignment.id,
    solution: solutionOf(found),
    seed: request.seed,
    scale: request.scale,
    only: request.tests.map((t) => t.name),
    traceFile: request.traceFile,
    traceNamed: request.tests.length > 1,
    limits: request.limits,
    onTestStart: request.onTestStart,
    onTestProgress: request.onTestProgress,
    onTestEnd: request.onTestEnd,
  })
  return { ...report, maxPoints: maxOf(request) }
}

function scored(request: GradeRequest, test: GraderTest, passed: boolean, rest: Pick<TestResult, 'reason' | 'kind' | 'wallMs' | 'virtualMs' | 'clusters'>): TestResult {
  const result: TestResult = { name: test.name, title: test.title, points: passed ? test.points : 0, maxPoints: test.points, passed, seed: deriveSeed(request.seed, test.name), wallMs: Math.round(rest.wallMs), virtualMs: rest.virtualMs }
  if (rest.clusters !== undefined) result.clusters = rest.clusters
  if (!passed) {
    result.reason = cleanText(rest.reason ?? 'failed', 4000)
    result.kind = rest.kind ?? 'solution'
  }
  return result
}

function report(request: GradeRequest, label: string, tests: TestResult[]): GradeReport {
  return { assignment: request.assignment.id, solution: label, seed: request.seed, points: tests.reduce((sum, t) => sum + t.points, 0), maxPoints: maxOf(request), tests }
}

function maxOf(request: GradeRequest): number {
  return request.tests.reduce((sum, t) => sum + t.points, 0)
}

/** Zero points, every test failed with the reason: the results a solution that cannot run gets. */
function unusable(request: GradeRequest, err: unknown, label = request.source ?? 'the reference'): GradeReport {
  if (!isDistlabError(err, 'BAD_INPUT') && !isDistlabError(err, 'NODE_LOAD')) throw err
  const reason = cleanText(messageOf(err), 8000)
  const tests = request.tests.map((test) => scored(request, test, false, { reason: `the solution could not be used: ${reason}`, kind: 'solution', wallMs: 0, virtualMs: 0 }))
  return { ...report(request, label, tests), unusable: reason }
}

/** Traces the sandbox wrote in its scratch directory go where the user asked. */
function moveTraces(from: string, to: string): void {
  if (!existsSync(from)) return
  makeParents(join(to, 'trace'))
  for (const name of readdirSync(from)) {
    try {
      renameSync(join(from, name), join(to, name))
    } catch {
      copyFileSync(join(from, name), join(to, name))
    }
  }
}
