// A solution named on the command line: a directory, or a .zip validated and unpacked (under
// `unpackTo`, which the caller removes), then the folder in it that holds the role modules.
import { existsSync, mkdirSync } from 'node:fs'
import { DistlabError } from '../../runtime/index.ts'
import { findSolution, solutionRoot, type SolutionFiles, type SolutionShape } from '../../graders/harness/solution.ts'
import { extractSubmission } from './submission.ts'

export function openSolution(shape: SolutionShape, source: string | undefined, unpackTo: string): SolutionFiles {
  if (source === undefined || !source.endsWith('.zip')) return findSolution(shape, source)
  if (!existsSync(source)) throw new DistlabError('BAD_INPUT', `--solution ${source}: no such file`)
  mkdirSync(unpackTo)
  extractSubmission(source, unpackTo)
  return findSolution(shape, solutionRoot(unpackTo, Object.keys(shape.roles)), source)
}
