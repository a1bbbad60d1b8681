// Finds and checks a solution before any test runs: a directory (or a .zip of one) with one module
// per role, each compiling and default-exporting defineNode(...). Everything missing is reported
// at once, in one message that says what each file must be.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, normalize, resolve, sep } from 'node:path'
import { unzipSync } from 'fflate'
import { compileModule, displayPath } from '../../runtime/build/compileModule.ts'
import { DistlabError, messageOf } from '../../runtime/errors.ts'
import { WorkerHost } from '../../runtime/sim/WorkerHost.ts'
import { NODE_LIMITS } from '../../runtime/sim/options.ts'

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs']

export interface SolutionShape {
  /** role → what the module is, for messages: `server: 'a leader-kv server'`. */
  roles: Record<string, string>
  /** The reference solution's directory. */
  referenceDir: string
}

export interface Solution {
  /** How to name it in reports and replay commands. */
  label: string
  dir: string
  isReference: boolean
  /** The module file of a role. */
  module(role: string): string
}

export async function loadSolution(shape: SolutionShape, source?: string): Promise<Solution> {
  const isReference = source === undefined
  const dir = isReference ? shape.referenceDir : await locate(resolve(source), Object.keys(shape.roles))
  const label = isReference ? `${displayPath(dir)} (reference)` : source
  const files: Record<string, string> = {}
  const missing: string[] = []
  for (const [role, description] of Object.entries(shape.roles)) {
    const file = EXTENSIONS.map((ext) => join(dir, role + ext)).find((f) => existsSync(f))
    if (file) files[role] = file
    else missing.push(`  ${role}.ts — ${description}`)
  }
  if (missing.length) {
    throw new DistlabError(
      'BAD_INPUT',
      `solution ${label} is missing:\n${missing.join('\n')}\neach must end with \`export default defineNode({ machine })\` (import it from 'distlab/node')`,
    )
  }
  await preflight(files)
  return { label, dir, isReference, module: (role) => files[role] ?? fail(`the solution has no '${role}' module`) }
}

/** Compiles every module and loads each once in a worker, so a broken one is named up front. */
async function preflight(files: Record<string, string>): Promise<void> {
  const problems = await Promise.all(
    Object.entries(files).map(async ([role, file]) => {
      try {
        const url = await compileModule(file, { kind: 'node' })
        const init = { name: role, address: role, peers: [], config: {}, dataDir: tmpdir(), seed: 0, incarnation: 1, trace: 'off' as const, limits: NODE_LIMITS }
        const host = await WorkerHost.spawn(init, url, { stepTimeoutMs: 5000, heapMb: NODE_LIMITS.heapMb, onDeath: () => {} })
        host.terminate()
        return null
      } catch (err) {
        return `${displayPath(file)}: ${messageOf(err)}`
      }
    }),
  )
  const found = problems.filter((p): p is string => p !== null)
  if (found.length) throw new DistlabError('NODE_LOAD', found.join('\n'))
}

async function locate(path: string, roles: string[]): Promise<string> {
  if (!existsSync(path)) throw new DistlabError('BAD_INPUT', `--solution ${path}: no such file or directory`)
  if (statSync(path).isDirectory()) return path
  if (path.endsWith('.zip')) return unzipSolution(path, roles)
  throw new DistlabError('BAD_INPUT', `--solution ${path}: give a directory or a .zip of one`)
}

/** Extracts a zip to a temporary directory and returns the folder that holds the role files. */
function unzipSolution(path: string, roles: string[]): string {
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(readFileSync(path))
  } catch (err) {
    throw new DistlabError('BAD_INPUT', `--solution ${path}: not a readable zip (${messageOf(err)})`)
  }
  const root = mkdtempSync(join(tmpdir(), 'distlab-solution-'))
  for (const [name, data] of Object.entries(entries)) {
    const target = normalize(join(root, name))
    if (!target.startsWith(root + sep)) throw new DistlabError('BAD_INPUT', `--solution ${path}: entry '${name}' points outside the archive`)
    if (name.endsWith('/')) continue
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, data)
  }
  const first = roles[0] ?? ''
  const candidates = Object.keys(entries)
    .filter((name) => EXTENSIONS.some((ext) => name === first + ext || name.endsWith(`/${first}${ext}`)))
    .map((name) => dirname(join(root, name)))
    .sort((a, b) => a.length - b.length)
  return candidates[0] ?? root
}

function fail(message: string): never {
  throw new DistlabError('BAD_INPUT', message)
}
