// Finds and checks a solution before any test runs: a directory with one module per role, each
// compiling and default-exporting defineNode(...). Finding is the trusted side's job (the parent
// of the grading sandbox: it compiles what it found); loading each module once in a worker, which
// runs the student's top-level code, happens where tests run (in the sandbox). Everything missing
// is reported at once, in one message that says what each file must be.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { compileModule, displayPath, DistlabError, messageOf, NODE_LIMITS } from '../../runtime/index.ts'
import { underPermissionModel, WorkerHost } from '../../runtime/sandbox.ts'

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs']

export interface SolutionShape {
  /** role → what the module is, for messages: `server: 'a leader-kv server'`. */
  roles: Record<string, string>
  /** The reference solution's directory. */
  referenceDir: string
}

/** A solution as found on disk: plain data, so the parent can hand it to the sandbox. */
export interface SolutionFiles {
  /** How to name it in reports and replay commands. */
  label: string
  dir: string
  isReference: boolean
  /** role → its module file. */
  files: Record<string, string>
}

export interface Solution {
  label: string
  dir: string
  isReference: boolean
  /** The module file of a role. */
  module(role: string): string
}

/** The solution in directory `source` (the reference when undefined), or what it lacks. */
export function findSolution(shape: SolutionShape, source?: string, label?: string): SolutionFiles {
  const isReference = source === undefined
  const dir = isReference ? shape.referenceDir : resolve(source)
  const name = label ?? (isReference ? `${displayPath(dir)} (reference)` : (source as string))
  if (!existsSync(dir)) throw new DistlabError('BAD_INPUT', `--solution ${name}: no such file or directory`)
  if (!statSync(dir).isDirectory()) throw new DistlabError('BAD_INPUT', `--solution ${name}: give a directory or a .zip of one`)
  const files: Record<string, string> = {}
  const missing: string[] = []
  for (const [role, description] of Object.entries(shape.roles)) {
    const file = EXTENSIONS.map((ext) => join(dir, role + ext)).find((f) => existsSync(f))
    if (file) files[role] = file
    else missing.push(`  ${role}.ts — ${description}`)
  }
  if (missing.length) {
    throw new DistlabError('BAD_INPUT', `solution ${name} is missing:\n${missing.join('\n')}\neach must end with \`export default defineNode({ machine })\` (import it from 'distlab/node')`)
  }
  return { label: name, dir, isReference, files }
}

/** The folder under `root` (an unpacked zip) that holds the first role's module: the shallowest. */
export function solutionRoot(root: string, roles: string[]): string {
  const first = roles[0] ?? ''
  const names = new Set(EXTENSIONS.map((ext) => first + ext))
  const queue = [root]
  for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    if (entries.some((e) => e.isFile() && names.has(e.name))) return dir
    for (const e of entries) if (e.isDirectory() && e.name !== 'node_modules' && e.name !== '__MACOSX') queue.push(join(dir, e.name))
  }
  return root
}

export function solutionOf(found: SolutionFiles): Solution {
  return {
    label: found.label,
    dir: found.dir,
    isReference: found.isReference,
    module: (role) => found.files[role] ?? fail(`the solution has no '${role}' module`),
  }
}

/** Finds the solution and loads each module once (in-process grading: trusted code, tests). */
export async function loadSolution(shape: SolutionShape, source?: string): Promise<Solution> {
  const found = findSolution(shape, source)
  await preflightSolution(found.files)
  return solutionOf(found)
}

/** Compiles every module and loads each once in a worker, so a broken one is named up front. */
export async function preflightSolution(files: Record<string, string>): Promise<void> {
  const problems = await Promise.all(
    Object.entries(files).map(async ([role, file]) => {
      // Its top-level code may touch its data directory: a fresh one, removed after.
      const dataDir = mkdtempSync(join(tmpdir(), 'distlab-preflight-'))
      try {
        const url = await compileModule(file, { kind: 'node' })
        const init = { name: role, address: role, peers: [], config: {}, dataDir, seed: 0, incarnation: 1, trace: 'off' as const, limits: NODE_LIMITS, permission: underPermissionModel() }
        const host = await WorkerHost.spawn(init, url, { stepTimeoutMs: 5000, heapMb: NODE_LIMITS.heapMb, onDeath: () => {} })
        await host.terminate()
        return null
      } catch (err) {
        return `${displayPath(file)}: ${messageOf(err)}`
      } finally {
        rmSync(dataDir, { recursive: true, force: true })
      }
    }),
  )
  const found = problems.filter((p): p is string => p !== null)
  if (found.length) throw new DistlabError('NODE_LOAD', found.join('\n'))
}

function fail(message: string): never {
  throw new DistlabError('BAD_INPUT', message)
}
