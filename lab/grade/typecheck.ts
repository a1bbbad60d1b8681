// The grader's pre-check: tsc over a solution's TypeScript before any test runs, so a misspelled
// field (`tss` for `ts`) is reported at its line instead of as nine tests that heard no answer.
// A warning, never a verdict: esbuild strips types, so code with type errors may still run and
// pass, and the points are the tests' alone. It runs this checkout's TypeScript (the native tsc,
// a child process) on a copy of the solution's sources, with `distlab/node`, `distlab/protocol/*`
// and `xstate` mapped into the checkout; a check that cannot run says why and blocks nothing.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { displayPath, REPO_ROOT } from '../../runtime/index.ts'
import { cleanText } from '../../runtime/sandbox.ts'
import { kleur, wrapText } from '../format.ts'
import type { TypeCheckResult, TypeDiagnostic } from '../../graders/harness/runGrader.ts'

/**
 * The compiler options a solution is checked with, here and in the tsconfig.json of `npm run new`,
 * so a student sees what the grader sees. Bundler resolution, as esbuild builds the solution:
 * every file is ESM and `./helper` needs no extension.
 */
export const SOLUTION_COMPILER_OPTIONS = {
  target: 'es2022',
  lib: ['es2023'],
  module: 'preserve',
  moduleResolution: 'bundler',
  types: ['node'],
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noFallthroughCasesInSwitch: true,
  forceConsistentCasingInFileNames: true,
  skipLibCheck: true,
} as const

export const TYPECHECK_TIMEOUT_MS = 60_000
const SOURCE = /\.(ts|mts|cts|tsx)$/
const MAX_FILES = 500
const MAX_ERRORS = 100
const MAX_OUTPUT = 1024 * 1024
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

export interface TypeCheckOptions {
  /** Wall ms tsc may take before it is stopped (default TYPECHECK_TIMEOUT_MS). */
  timeoutMs?: number
  /** A directory to work in, created and removed here (default: a new one in the system's temp). */
  workDir?: string
}

/** Type-checks the solution in `dir`; never throws: a check that cannot run says so in `failure`. */
export async function typecheckSolution(dir: string, options: TypeCheckOptions = {}): Promise<TypeCheckResult> {
  const root = resolve(dir)
  let files: string[]
  try {
    files = sourcesIn(root)
  } catch (err) {
    return { errors: [], failure: `could not read the solution: ${(err as Error).message}` }
  }
  if (files.length === 0) return { errors: [] } // plain JavaScript: nothing to check
  if (files.length > MAX_FILES) return { errors: [], failure: `the solution has more than ${MAX_FILES} TypeScript files` }
  // The check runs beside the grader's files and reports what tsc read, so it reads nothing the
  // build would refuse: esbuild takes only the solution's own files and packages (compileModule).
  const escape = importFromOutside(root, files)
  if (escape) return { errors: [], failure: escape }
  if (!existsSync(TSC)) return { errors: [], failure: 'TypeScript is not installed in the lab (npm install in the checkout)' }
  const work = options.workDir ?? mkdtempSync(join(tmpdir(), 'distlab-typecheck-'))
  mkdirSync(work, { recursive: true })
  try {
    // A copy holds only sources: no node_modules or package.json of the solution's steers resolution.
    const src = join(work, 'src')
    for (const file of files) {
      mkdirSync(dirname(join(src, file)), { recursive: true })
      copyFileSync(join(root, file), join(src, file))
    }
    // Other packages are found where the build finds them (compileModule's confinePlugin): the
    // solution's own node_modules, then the lab's (links: tsc walks up from the copy to both).
    if (existsSync(join(root, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'), 'dir')
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(work, 'node_modules'), 'dir')
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(checkConfig(), null, 2))
    const run = await runTsc(join(work, 'tsconfig.json'), src, options.timeoutMs ?? TYPECHECK_TIMEOUT_MS)
    if ('failure' in run) return { errors: [], failure: run.failure }
    const { errors, other } = parseTscOutput(run.output, src)
    if (run.code !== 0 && errors.length === 0) return { errors: [], failure: `tsc stopped with code ${run.code}: ${cleanText(other.join(' ') || 'no output', 500)}` }
    return { errors: errors.slice(0, MAX_ERRORS) }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** Code of the lab itself (a reference, a mutant, a fixture), outside its node_modules: the checkout's own tsc checks it. */
export function isInCheckout(dir: string): boolean {
  const path = resolve(dir)
  return path.startsWith(REPO_ROOT + sep) && !path.startsWith(join(REPO_ROOT, 'node_modules') + sep)
}

/** `server.ts:81:84 error TS2353: Object literal may only specify known properties, …` */
export function formatDiagnostic(d: TypeDiagnostic): string {
  return `${d.file}:${d.line}:${d.column} error ${d.code}: ${d.message}`
}

/** What `grade` prints before the first test: the errors under a heading, or one gray line. */
export function formatTypeCheck(result: TypeCheckResult, width: number, shown = 20): string[] {
  if (result.failure !== undefined) return wrapText(kleur.gray(`type check skipped: ${result.failure}`), width)
  if (result.errors.length === 0) return [kleur.gray('type check (tsc): no errors')]
  const lines = [kleur.yellow(`type errors (grading goes on; fix these first):`)]
  for (const d of result.errors.slice(0, shown)) {
    const [first, ...more] = formatDiagnostic(d).split('\n')
    lines.push(...wrapText(kleur.yellow(first ?? ''), width, '  ', '      '))
    for (const line of more) lines.push(...wrapText(kleur.gray(line.trim()), width, '      '))
  }
  if (result.errors.length > shown) lines.push(kleur.gray(`  … and ${result.errors.length - shown} more: npx tsc --noEmit in the solution's folder lists them all`))
  return lines
}

/** The tsconfig of the check: the solution's copy, with the lab's modules mapped into the checkout. */
function checkConfig(): object {
  return {
    compilerOptions: {
      ...SOLUTION_COMPILER_OPTIONS,
      typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
      paths: {
        'distlab/node': [join(REPO_ROOT, 'runtime', 'node', 'index.ts')],
        'distlab/protocol/*': [join(REPO_ROOT, 'assignments', '*', 'messages.ts')],
        xstate: [join(REPO_ROOT, 'node_modules', 'xstate')],
      },
    },
    include: ['src'],
  }
}

/** TypeScript files under `root`, relative to it; node_modules and dot-folders left out. */
function sourcesIn(root: string): string[] {
  const found: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile() && SOURCE.test(entry.name)) found.push(relative(root, path))
      if (found.length > MAX_FILES) return
    }
  }
  walk(root)
  return found.sort()
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|<reference\s+path\s*=\s*)(['"`])([^'"`\n]+)\1/g

/** Why the solution cannot be checked when one of its files names a file outside it; else null. */
function importFromOutside(root: string, files: string[]): string | null {
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8')
    for (const match of text.matchAll(SPECIFIER)) {
      const spec = match[2] as string
      const isReference = match[0].startsWith('<')
      if (!isReference && !spec.startsWith('.') && !isAbsolute(spec) && !/^([A-Za-z]:|file:|\\)/.test(spec)) continue
      const target = resolve(root, dirname(file), spec)
      if (/^([A-Za-z]:|file:|\\)/.test(spec) || (target !== root && !target.startsWith(root + sep))) {
        return `${file} imports '${cleanText(spec, 200)}', which is outside the solution (the build refuses it too)`
      }
    }
  }
  return null
}

type TscRun = { code: number; output: string } | { failure: string }

/** Runs tsc in `cwd` (so it prints paths relative to it), stopped with its process group after `timeoutMs`. */
function runTsc(config: string, cwd: string, timeoutMs: number): Promise<TscRun> {
  return new Promise((done) => {
    // bin/tsc is a node wrapper around the native binary: its own process group, so a kill reaches both.
    const group = process.platform !== 'win32'
    const child = spawn(process.execPath, [TSC, '-p', config, '--pretty', 'false'], { cwd, detached: group, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const collect = (chunk: Buffer): void => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8')
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
        else child.kill('SIGKILL')
      } catch {
        // already gone
      }
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      done({ failure: `could not start tsc: ${err.message}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (timedOut) done({ failure: `tsc took more than ${Math.round(timeoutMs / 1000)} s and was stopped` })
      else done({ code: code ?? 1, output })
    })
  })
}

const LOCATED = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/

/** tsc's `--pretty false` lines: `file(line,col): error TSnnnn: message`, elaborations indented below. */
export function parseTscOutput(output: string, cwd: string): { errors: TypeDiagnostic[]; other: string[] } {
  const errors: TypeDiagnostic[] = []
  const other: string[] = []
  for (const line of output.split(/\r?\n/)) {
    const m = LOCATED.exec(line)
    const last = errors[errors.length - 1]
    if (m) {
      const file = m[1] as string
      // A file outside the solution (it should not happen) is named as the lab names paths.
      const shown = file.startsWith('..') || isAbsolute(file) ? displayPath(resolve(cwd, file)) : file
      errors.push({ file: cleanText(shown.split(sep).join('/'), 300), line: Number(m[2]), column: Number(m[3]), code: m[4] as string, message: cleanText(m[5] as string, 2000) })
    } else if (last && /^\s/.test(line) && line.trim() !== '') {
      last.message = cleanText(`${last.message}\n${line.trimEnd()}`, 4000)
    } else if (line.trim() !== '') {
      other.push(line.trim())
    }
  }
  return { errors, other }
}
