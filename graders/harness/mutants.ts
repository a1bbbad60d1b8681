// Known-bad variants of a reference solution, each with the tests its bug must fail. The grader's
// own test runs them all: a mutant that scores full marks means the grader misses that bug.
import { join } from 'node:path'

export interface MutantSpec {
  /** Its directory under assignments/<id>/mutants/. */
  name: string
  /** The bug, in a sentence. */
  bug: string
  /** Tests that must fail for this mutant. */
  loses: string[]
}

export function mutantDir(assignmentDir: string, mutant: MutantSpec): string {
  return join(assignmentDir, 'mutants', mutant.name)
}
