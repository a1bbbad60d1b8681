// Result files are checked before grading starts (an unwritable path is bad input, said at once,
// not after minutes of tests) and written whatever the outcome. Directories are created one level
// at a time: Node's recursive mkdir never returns for a path under /proc.
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { DistlabError, messageOf } from '../../runtime/index.ts'

/** Creates the missing directories above `path`, or says why it cannot. */
export function makeParents(path: string): void {
  const missing: string[] = []
  for (let dir = dirname(resolve(path)); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir)
    if (dirname(dir) === dir) break
  }
  for (const dir of missing) mkdirSync(dir)
}

/** Fails with BAD_INPUT unless a results file can be written at `path`. */
export function checkOutput(flag: string, path: string): void {
  try {
    makeParents(path)
    closeSync(openSync(path, 'a'))
  } catch (err) {
    throw new DistlabError('BAD_INPUT', `--${flag} ${path}: cannot write there (${messageOf(err)}); choose a file in a directory you can write`)
  }
}

/** Fails with BAD_INPUT unless files can be written next to `path` (traces get the test's name added). */
export function checkOutputDirectory(flag: string, path: string): void {
  try {
    makeParents(path)
    accessSync(dirname(resolve(path)), constants.W_OK)
  } catch (err) {
    throw new DistlabError('BAD_INPUT', `--${flag} ${path}: cannot write there (${messageOf(err)}); choose a file in a directory you can write`)
  }
}

export function writeOutput(path: string, content: string | Uint8Array): void {
  makeParents(path)
  writeFileSync(path, content)
}
