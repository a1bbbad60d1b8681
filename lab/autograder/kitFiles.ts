// The lab's own files an autograder zip carries: what grading needs (the CLI, runtime, graders,
// assignments' protocols, package.json and its lock), never node_modules (setup.sh installs them),
// tests, benchmarks, traces, or any reference solution or known-bad variant, unless the grader
// itself runs it (pbservice's tests start the viewservice reference as their coordinator): a zip
// that reaches the grading machine holds no answer it does not need.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Top-level entries shipped; everything else in the checkout stays out. */
const INCLUDE = ['bin/', 'lab/', 'runtime/', 'graders/', 'assignments/', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md']
/** Inside those: answers, and what is never source (as .gitignore says, for a checkout without git). */
const EXCLUDE = [/^assignments\/[^/]+\/(solution|mutants\/[^/]+)\//, /(^|\/)node_modules\//, /(^|\/)(traces|\.scratch|\.mutants)\//, /\.tmp\.ts$/, /\.tsbuildinfo$/]

/**
 * Paths relative to `root`, sorted, '/'-separated: git's view of the checkout (untracked new files
 * too), or a walk where there is no git. `keep`: directories (relative, ending in '/') shipped
 * whole though EXCLUDE names them: those of the modules the grader starts itself.
 */
export function kitFiles(root: string, keep: string[] = []): string[] {
  const listed = gitFiles(root) ?? walk(root, '')
  return listed
    .filter((path) => INCLUDE.some((top) => (top.endsWith('/') ? path.startsWith(top) : path === top)))
    .filter((path) => keep.some((dir) => path.startsWith(dir)) || !EXCLUDE.some((pattern) => pattern.test(path)))
    .filter((path) => existsSync(join(root, path)) && statSync(join(root, path)).isFile())
    .sort()
}

/** Tracked files plus new ones not ignored; null when this is not a git checkout. */
function gitFiles(root: string): string[] | null {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 })
    return [...new Set(out.split('\0').filter((p) => p !== ''))]
  } catch {
    return null
  }
}

function walk(root: string, dir: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== '.git') files.push(...walk(root, path))
    else if (entry.isFile()) files.push(path)
  }
  return files
}
