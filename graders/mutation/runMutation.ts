// Mutation testing of a grader: derive the reference's statechart mutants, grade each (reduced
// scale, a few at a time), and report which the grader kills. A surviving mutant is a rule the
// grader does not check, or a change that makes no difference (an equivalent mutant, listed with
// its reason in assignments/<id>/mutants/equivalent.json after review).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Assignment } from '../../assignments/registry.ts'
import { DistlabError, messageOf } from '../../runtime/index.ts'
import type { NodeDefinition } from 'distlab/node'
import { eachLimited } from '../harness/eachLimited.ts'
import { runGrader, type TestResult } from '../harness/runGrader.ts'
import { findSolution, loadSolution } from '../harness/solution.ts'
import { deriveMutants, type MutantPlan } from './derive.ts'
import { writeMutant } from './generate.ts'

export interface MutantOutcome {
  plan: MutantPlan
  dir: string
  killed: boolean
  /** The tests that failed (empty for a survivor), or why it did not even load. */
  by: string[]
  /** A survivor's virtual time over every test and seed, as a multiple of the reference's. */
  slowdown?: number
  equivalent?: string
  /** Reviewed as equivalent because another path of the reference covers the one it breaks (see Equivalent.kind). */
  covered?: boolean
}

export interface MutationReport {
  assignment: string
  /** The base seeds each mutant was graded with, in order (killed at its first failure). */
  seeds: number[]
  outcomes: MutantOutcome[]
  killed: number
  /** Survivors reviewed as equivalent to the reference. */
  equivalent: number
  /** Of those, the ones reviewed as covered by another path. */
  covered: number
  /** killed / (all − equivalent survivors). */
  score: number
  /** killed / (all − equivalent survivors that are not covered): what a grader seeing each path (speed, traffic) would aim at. */
  strictScore: number
}

export interface MutationOptions {
  /** Base seeds, in order (default [1]): a mutant is killed if it fails on any of them. */
  seeds?: number[]
  /** Mutants graded at once (default 2: one per core). */
  concurrency?: number
  /** Only the mutants whose slug contains one of these. */
  only?: string[]
  onDone?(outcome: MutantOutcome, done: number, total: number): void
}

interface Equivalent {
  mutant: string
  reason: string
  /**
   * 'covered': the mutant breaks a path of the reference that another path covers (a timeout and an
   * endgame both re-ask a part), so it still does every job, at most later; the course's verdict
   * sees only results within generous limits (torrent's seed: «времени достаточно»), so it cannot
   * tell. Counted as equivalent, and reported apart with the strict score.
   */
  kind?: 'covered'
}

/** The mutants of an assignment's reference, as plans. */
export async function planMutants(assignment: Assignment): Promise<MutantPlan[]> {
  const reference = findSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir })
  const plans: MutantPlan[] = []
  for (const [role, file] of Object.entries(reference.files)) {
    const definition = (await import(file)).default as NodeDefinition
    plans.push(...deriveMutants(role, definition.machine))
  }
  return plans
}

export function equivalentMutants(assignment: Assignment): Map<string, Equivalent> {
  const file = join(assignment.dir, 'mutants', 'equivalent.json')
  if (!existsSync(file)) return new Map()
  const listed = JSON.parse(readFileSync(file, 'utf8')) as Equivalent[]
  return new Map(listed.map((e) => [e.mutant, e]))
}

export async function runMutation(assignment: Assignment, options: MutationOptions = {}): Promise<MutationReport> {
  const seeds = options.seeds?.length ? options.seeds : [1]
  const grader = await assignment.grader()
  const reference = findSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }).files
  const equivalent = equivalentMutants(assignment)
  const plans = (await planMutants(assignment)).filter((p) => !options.only?.length || options.only.some((o) => p.slug.includes(o)))
  const outcomes: MutantOutcome[] = []
  // Seed after seed, up to the first failed test: the tests of every seed graded.
  const grade = async (solution: Parameters<typeof runGrader>[1]['solution']): Promise<TestResult[]> => {
    const tests: TestResult[] = []
    for (const seed of seeds) {
      const report = await runGrader(grader, { assignment: assignment.id, solution, seed, scale: 'reduced', stopAtFirstFailure: true })
      tests.push(...report.tests)
      if (report.tests.some((t) => !t.passed)) break
    }
    return tests
  }
  // The reference's virtual time on the same seeds: what a survivor's is measured against.
  const baseline = await grade(await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }))
  const lost = baseline.find((t) => !t.passed)
  // A grader that fails the reference kills every mutant for nothing: no score would mean anything.
  if (lost) throw new DistlabError('BAD_INPUT', `the reference itself fails ${lost.name}: ${(lost.reason ?? '').split('\n')[0]}; fix the grader or the reference before measuring mutants`)
  const virtualOf = (tests: { virtualMs: number }[]): number => tests.reduce((sum, t) => sum + t.virtualMs, 0)
  const gradeOne = async (plan: MutantPlan): Promise<MutantOutcome> => {
    const dir = writeMutant(assignment.id, plan, reference)
    try {
      const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, dir)
      // The first failed test kills the mutant: the rest need not run (a broken torrent node would
      // run every restart group to its time limit).
      const tests = await grade(solution)
      const failed = tests.filter((t) => !t.passed).map((t) => t.name)
      if (failed.length) return { plan, dir, killed: true, by: failed }
      return { plan, dir, killed: false, by: [], slowdown: virtualOf(tests) / Math.max(1, virtualOf(baseline)) }
    } catch (err) {
      return { plan, dir, killed: true, by: [`does not load: ${messageOf(err).split('\n')[0]}`] }
    }
  }
  await eachLimited(plans, options.concurrency ?? 2, async (plan) => {
    const outcome = await gradeOne(plan)
    const reviewed = outcome.killed ? undefined : equivalent.get(plan.slug)
    if (reviewed) {
      outcome.equivalent = reviewed.reason
      if (reviewed.kind === 'covered') outcome.covered = true
    }
    outcomes.push(outcome)
    options.onDone?.(outcome, outcomes.length, plans.length)
  })
  outcomes.sort((a, b) => plans.indexOf(a.plan) - plans.indexOf(b.plan))
  const killed = outcomes.filter((o) => o.killed).length
  const equivalents = outcomes.filter((o) => o.equivalent).length
  const covered = outcomes.filter((o) => o.covered).length
  const ratio = (counted: number): number => (counted === 0 ? 1 : killed / counted)
  return {
    assignment: assignment.id,
    seeds,
    outcomes,
    killed,
    equivalent: equivalents,
    covered,
    score: ratio(outcomes.length - equivalents),
    strictScore: ratio(outcomes.length - equivalents + covered),
  }
}
