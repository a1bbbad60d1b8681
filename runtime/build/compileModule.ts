// Node code reaches workers as compiled JavaScript: a `.ts` file cannot be a Worker entry, and
// registering a TypeScript loader in every worker costs ~26 MiB and ~130 ms each. esbuild bundles
// a module with its packages (ESM builds preferred) into one file in milliseconds: one file loads
// faster than a package graph (xstate: ~5 ms bundled, ~15 ms through Node's CommonJS wrapper), and
// a worker boots for every node incarnation. Outputs are cached by content hash under
// node_modules/.cache/distlab. A node's own code (`kind: 'node'`) is bundled under the
// confinement policy: refused built-ins are build errors, and no `import()` or `require()` is left
// in the output but a policy-checked one (see host/confine). Inside the grading sandbox nothing is
// compiled (esbuild spawns a process): the trusted parent compiles everything first and the
// sandbox looks modules up in that manifest (useCompiledModules).
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Message, Plugin } from 'esbuild'
import { DistlabError } from '../errors.ts'
import { refusal } from '../host/confine/builtinPolicy.ts'

// A bundle of the runtime (the grading sandbox's) is told where the checkout is at build time.
declare const __DISTLAB_REPO_ROOT__: string | undefined
export const REPO_ROOT = typeof __DISTLAB_REPO_ROOT__ === 'string' ? __DISTLAB_REPO_ROOT__ : resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'distlab')

/** What a module is: node code (confined) or part of the runtime (a worker entry). */
export type ModuleKind = 'node' | 'runtime'

export interface CompileOptions {
  kind?: ModuleKind
  /** Where the output goes (default: the cache under node_modules/.cache/distlab). */
  outDir?: string
}

/**
 * The first line of every node bundle: esbuild turns `import(x)` and `require(x)` into calls of a
 * `require` in scope, which is this one: the confinement's policy check, installed by the worker.
 */
const NODE_BANNER = `var require = globalThis[Symbol.for('distlab.require')] ?? ((name) => { throw new Error('require(' + JSON.stringify(name) + ') is not available in node code; import built-ins statically') });`

/** `distlab/<area>` imports, as node code writes them, mapped to the runtime's doors. */
const DISTLAB_ALIASES: Record<string, string> = {
  'distlab/node': join(REPO_ROOT, 'runtime', 'node', 'index.ts'),
}

/** `distlab/protocol/leader-kv` → the assignment's messages.ts, wherever the solution lives. */
function protocolPath(specifier: string): string | null {
  const match = /^distlab\/protocol\/([a-z0-9-]+)$/.exec(specifier)
  if (!match) return null
  const path = join(REPO_ROOT, 'assignments', match[1] as string, 'messages.ts')
  return existsSync(path) ? path : null
}

const memo = new Map<string, Promise<string>>()
/** Set in the grading sandbox: every module it may load, compiled by the parent. */
let compiled: ReadonlyMap<string, string> | null = null

/** The key a compiled module is known by (a manifest entry). */
export function moduleKey(entry: string, options: CompileOptions = {}): string {
  return `${options.kind ?? 'runtime'}|${resolve(entry)}`
}

/** From now on, modules come from `manifest` (moduleKey → file URL) and nothing is compiled. */
export function useCompiledModules(manifest: Record<string, string>): void {
  compiled = new Map(Object.entries(manifest))
}

/** Compiles `entry` (TS or JS) to one ESM file and returns its file URL. */
export function compileModule(entry: string, options: CompileOptions = {}): Promise<string> {
  const path = resolve(entry)
  const key = moduleKey(path, options)
  if (compiled) {
    const url = compiled.get(key)
    if (url) return Promise.resolve(url)
    return Promise.reject(new DistlabError('NODE_LOAD', `${displayPath(path)} was not compiled before grading started; a grader lists the modules it starts besides the solution's in its \`modules\``))
  }
  const memoKey = `${key}|${options.outDir ?? ''}`
  let pending = memo.get(memoKey)
  if (!pending) {
    pending = compile(path, options)
    memo.set(memoKey, pending)
    pending.catch(() => memo.delete(memoKey))
  }
  return pending
}

async function compile(path: string, options: CompileOptions): Promise<string> {
  if (!existsSync(path)) throw new DistlabError('NODE_LOAD', `${displayPath(path)}: file not found`)
  const node = options.kind === 'node'
  const outDir = options.outDir ?? CACHE_DIR
  const { build } = await import('esbuild')
  let code: string
  try {
    const result = await build({
      entryPoints: [path],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      // The output lands in CACHE_DIR; telling esbuild so makes the inline source map's paths
      // resolve to the original files, so stack traces name solution/server.ts:42.
      outdir: outDir,
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      absWorkingDir: REPO_ROOT,
      // A solution outside the project still finds xstate & co. in the project's node_modules.
      nodePaths: [join(REPO_ROOT, 'node_modules')],
      mainFields: ['module', 'main'],
      conditions: ['module'],
      plugins: node ? [resolvePlugin, confinePlugin(dirname(path))] : [resolvePlugin],
      // Node code keeps no `import()`: it becomes a call of the policy-checked `require` (banner).
      ...(node ? { supported: { 'dynamic-import': false }, banner: { js: NODE_BANNER } } : {}),
    })
    code = result.outputFiles[0]?.text ?? ''
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors
    if (!errors?.length) throw err
    throw new DistlabError('NODE_LOAD', errors.slice(0, 5).map(formatMessage).join('\n'))
  }
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const name = basename(path, extname(path))
  const out = join(outDir, `${name}-${hash}.mjs`)
  if (!existsSync(out)) {
    mkdirSync(outDir, { recursive: true })
    writeFileSync(out, code)
  }
  return pathToFileURL(out).href
}

const resolvePlugin: Plugin = {
  name: 'distlab-resolve',
  setup(b) {
    b.onResolve({ filter: /^distlab(\/|$)/ }, (args) => {
      const target = DISTLAB_ALIASES[args.path] ?? protocolPath(args.path)
      if (target) return { path: target }
      return { errors: [{ text: `unknown import '${args.path}'; node code can import: ${Object.keys(DISTLAB_ALIASES).join(', ')}, distlab/protocol/<assignment>` }] }
    })
  },
}

/**
 * Node code may import only the built-ins the confinement allows (a refused one is a build error
 * at its line). A solution from outside the checkout (a student's folder, an unpacked submission)
 * may import only its own files, packages, the runtime (distlab/node) and the protocols, so a
 * submission cannot bundle the grader or a private reference into itself; code inside the
 * checkout (references, mutants, fixtures, generated mutants) is the instructor's and may use it.
 */
function confinePlugin(solutionDir: string): Plugin {
  const inCheckout = solutionDir.startsWith(REPO_ROOT + sep) && !solutionDir.startsWith(join(REPO_ROOT, 'node_modules') + sep)
  const roots = inCheckout ? [REPO_ROOT] : [solutionDir, join(REPO_ROOT, 'node_modules'), join(REPO_ROOT, 'runtime')]
  return {
    name: 'distlab-confine',
    setup(b) {
      b.onResolve({ filter: /^(node:)?[a-z_][a-z0-9_/]*$/ }, (args) => {
        const why = refusal(args.path)
        return why === null ? undefined : { errors: [{ text: why }] }
      })
      b.onLoad({ filter: /.*/ }, (args) => {
        const inside = roots.some((root) => args.path === root || args.path.startsWith(root + sep)) || /[/\\]assignments[/\\][a-z0-9-]+[/\\]messages\.ts$/.test(args.path)
        if (inside) return undefined
        return { errors: [{ text: `node code may import only its own solution's files (${displayPath(solutionDir)}), packages, distlab/node and distlab/protocol/<assignment>; not ${displayPath(args.path)}` }] }
      })
    },
  }
}

function formatMessage(message: Message): string {
  const loc = message.location
  return loc ? `${displayPath(resolve(REPO_ROOT, loc.file))}:${loc.line}:${loc.column + 1}: ${message.text}` : message.text
}

/** Paths inside the project are shown relative to it. */
export function displayPath(path: string): string {
  const rel = relative(REPO_ROOT, path)
  return rel.startsWith('..') ? path : rel
}
