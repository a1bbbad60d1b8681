// What one autograder zip grades and how: written by `npm run autograder` into the zip as
// autograder.json, read by run_autograder on Gradescope. Validated on both sides, so a hand-edited
// file fails with a sentence at build time and never as a crash while a student waits.
import { readFileSync } from 'node:fs'
import type { Scale } from '../../graders/harness/TestContext.ts'
import { DistlabError, messageOf } from '../../runtime/index.ts'
import { VISIBILITIES, type Visibility } from '../grade/writeResults.ts'

export const KIT_CONFIG_FILE = 'autograder.json'

export interface KitConfig {
  assignment: string
  /** The base seed every submission is graded with (students replay with the same one). */
  seed: number
  scale: Scale
  /** Sandboxes grading at once (Gradescope gives half a CPU by default: 1). */
  jobs: number
  /** Seconds of grading before the autograder stops and writes what it has (under Gradescope's own limit). */
  timeLimit: number
  /** Every test's visibility unless `testVisibility` names it. */
  visibility: Visibility
  testVisibility: Record<string, Visibility>
  /** Who sees run_autograder's printed log. */
  stdoutVisibility: Visibility
}

/** Gradescope's default limit is 10 minutes: stop at 9 and still report every finished test. */
export const KIT_DEFAULTS: Omit<KitConfig, 'assignment'> = {
  seed: 1,
  scale: 'full',
  jobs: 1,
  timeLimit: 540,
  visibility: 'visible',
  testVisibility: {},
  stdoutVisibility: 'hidden',
}

export function checkVisibility(value: unknown, what: string): Visibility {
  if (typeof value === 'string' && (VISIBILITIES as readonly string[]).includes(value)) return value as Visibility
  throw new DistlabError('BAD_INPUT', `${what} must be one of ${VISIBILITIES.join(', ')} (got ${JSON.stringify(value)})`)
}

/** Checks every field; `testNames` (the grader's) when known, so a misspelled test is caught at build time. */
export function checkKitConfig(value: unknown, testNames?: string[]): KitConfig {
  if (typeof value !== 'object' || value === null) throw new DistlabError('BAD_INPUT', `${KIT_CONFIG_FILE} must hold a JSON object`)
  const raw = { ...KIT_DEFAULTS, ...(value as Partial<KitConfig>) }
  const whole = (n: unknown, what: string, min: number, max: number): number => {
    if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n
    throw new DistlabError('BAD_INPUT', `${what} must be a whole number from ${min} to ${max} (got ${JSON.stringify(n)})`)
  }
  if (typeof raw.assignment !== 'string' || raw.assignment === '') throw new DistlabError('BAD_INPUT', `${KIT_CONFIG_FILE}: assignment must name an assignment`)
  if (raw.scale !== 'full' && raw.scale !== 'reduced') throw new DistlabError('BAD_INPUT', `scale must be full or reduced (got ${JSON.stringify(raw.scale)})`)
  const testVisibility: Record<string, Visibility> = {}
  for (const [name, vis] of Object.entries(raw.testVisibility ?? {})) {
    if (testNames && !testNames.includes(name)) throw new DistlabError('BAD_INPUT', `no test named '${name}' in the ${raw.assignment} grader; tests: ${testNames.join(', ')}`)
    testVisibility[name] = checkVisibility(vis, `the visibility of test '${name}'`)
  }
  return {
    assignment: raw.assignment,
    seed: whole(raw.seed, 'seed', 0, 2 ** 31),
    scale: raw.scale,
    jobs: whole(raw.jobs, 'jobs', 1, 64),
    timeLimit: whole(raw.timeLimit, 'the time limit (seconds)', 10, 40 * 60),
    visibility: checkVisibility(raw.visibility, 'visibility'),
    testVisibility,
    stdoutVisibility: checkVisibility(raw.stdoutVisibility, 'stdout visibility'),
  }
}

export function readKitConfig(file: string): KitConfig {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new DistlabError('BAD_INPUT', `cannot read the autograder's ${file}: ${messageOf(err)}; rebuild the zip with npm run autograder`)
  }
  return checkKitConfig(parsed)
}
