// Mutation testing of a grader: derive the reference's statechart mutants, grade each (reduced
// scale, a few at a time), and report which the grader kills. A surviving mutant is a rule the
// grader does not check, or a change that makes no difference (an equivalent mutant, listed with
// its reason in assignments/<id>/mutants/equivalent.json after review).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Assignment } from '../../assignments/registry.ts'
import { messageOf } from '../../runtime/index.ts'
import type { NodeDefinition } from 'distlab/node'
import { eachLimited } from '../harness/eachLimited.ts'
import { runGrader } from '../harness/runGrader.ts'
import { findSolution, loadSolution } from '../harness/solution.ts'
import { deriveMutants, type MutantPlan } from './derive.ts'
import { writeMutant } from './generate.ts'

export interface MutantOutcome {
  plan: MutantPlan
  dir: string
  killed: boolean
  /** The tests that failed (empty for a survivor), or why it did not even load. */
  by: string[]
  equivalent?: string
}

export interface MutationReport {
  assignment: string
  seed: number
  outcomes: MutantOutcome[]
  killed: number
  /** Survivors reviewed as equivalent to the reference. */
  equivalent: number
  /** killed / (all − equivalent survivors). */
  score: number
}

export interface MutationOptions {
  seed?: number
  /** Mutants graded at once (default 2: one per core). */
  concurrency?: number
  /** Only the mutants whose slug contains one of these. */
  only?: string[]
  onDone?(outcome: MutantOutcome, done: number, total: number): void
}

interface Equivalent {
  mutant: string
  reason: string
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

export function equivalentMutants(assignment: Assignment): Map<string, string> {
  const file = join(assignment.dir, 'mutants', 'equivalent.json')
  if (!existsSync(file)) return new Map()
  const listed = JSON.parse(readFileSync(file, 'utf8')) as Equivalent[]
  return new Map(listed.map((e) => [e.mutant, e.reason]))
}

export async function runMutation(assignment: Assignment, options: MutationOptions = {}): Promise<MutationReport> {
  const seed = options.seed ?? 1
  const grader = await assignment.grader()
  const reference = findSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }).files
  const equivalent = equivalentMutants(assignment)
  const plans = (await planMutants(assignment)).filter((p) => !options.only?.length || options.only.some((o) => p.slug.includes(o)))
  const outcomes: MutantOutcome[] = []
  const gradeOne = async (plan: MutantPlan): Promise<MutantOutcome> => {
    const dir = writeMutant(assignment.id, plan, reference)
    try {
      const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, dir)
      // The first failed test kills the mutant: the rest need not run (a broken torrent node would
      // run every restart group to its time limit).
      const report = await runGrader(grader, { assignment: assignment.id, solution, seed, scale: 'reduced', stopAtFirstFailure: true })
      const failed = report.tests.filter((t) => !t.passed).map((t) => t.name)
      return { plan, dir, killed: failed.length > 0, by: failed }
    } catch (err) {
      return { plan, dir, killed: true, by: [`does not load: ${messageOf(err).split('\n')[0]}`] }
    }
  }
  await eachLimited(plans, options.concurrency ?? 2, async (plan) => {
    const outcome = await gradeOne(plan)
    const reason = outcome.killed ? undefined : equivalent.get(plan.slug)
    if (reason) outcome.equivalent = reason
    outcomes.push(outcome)
    options.onDone?.(outcome, outcomes.length, plans.length)
  })
  outcomes.sort((a, b) => plans.indexOf(a.plan) - plans.indexOf(b.plan))
  const killed = outcomes.filter((o) => o.killed).length
  const equivalents = outcomes.filter((o) => o.equivalent).length
  const counted = outcomes.length - equivalents
  return { assignment: assignment.id, seed, outcomes, killed, equivalent: equivalents, score: counted === 0 ? 1 : killed / counted }
}
