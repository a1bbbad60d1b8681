// Node code reaches workers as compiled JavaScript: a `.ts` file cannot be a Worker entry, and
// registering a TypeScript loader in every worker costs ~26 MiB and ~130 ms each. esbuild bundles
// a module with its packages (ESM builds preferred) into one file in milliseconds: one file loads
// faster than a package graph (xstate: ~5 ms bundled, ~15 ms through Node's CommonJS wrapper), and
// a worker boots for every node incarnation. Outputs are cached by content hash under
// node_modules/.cache/distlab.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type Message, type Plugin } from 'esbuild'
import { DistlabError } from '../errors.ts'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'distlab')

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

/**
 * Compiles `entry` (TS or JS) to one ESM file and returns its file URL. `external` packages stay
 * imports (resolved from the project's node_modules): for code that must share a package instance
 * with its host, as a pool task shares piscina's with the pool's worker.
 */
export function compileModule(entry: string, options: { external?: string[] } = {}): Promise<string> {
  const path = resolve(entry)
  const key = options.external?.length ? `${path}|${options.external.join(',')}` : path
  let pending = memo.get(key)
  if (!pending) {
    pending = compile(path, options.external ?? [])
    memo.set(key, pending)
    pending.catch(() => memo.delete(key))
  }
  return pending
}

async function compile(path: string, external: string[]): Promise<string> {
  if (!existsSync(path)) throw new DistlabError('NODE_LOAD', `${displayPath(path)}: file not found`)
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
      outdir: CACHE_DIR,
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      absWorkingDir: REPO_ROOT,
      // A solution outside the project still finds xstate & co. in the project's node_modules.
      nodePaths: [join(REPO_ROOT, 'node_modules')],
      mainFields: ['module', 'main'],
      conditions: ['module'],
      plugins: [resolvePlugin],
      external,
    })
    code = result.outputFiles[0]?.text ?? ''
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors
    if (!errors?.length) throw err
    throw new DistlabError('NODE_LOAD', errors.slice(0, 5).map(formatMessage).join('\n'))
  }
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const name = basename(path, extname(path))
  const out = join(CACHE_DIR, `${name}-${hash}.mjs`)
  if (!existsSync(out)) {
    mkdirSync(CACHE_DIR, { recursive: true })
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

function formatMessage(message: Message): string {
  const loc = message.location
  return loc ? `${displayPath(resolve(REPO_ROOT, loc.file))}:${loc.line}:${loc.column + 1}: ${message.text}` : message.text
}

/** Paths inside the project are shown relative to it. */
export function displayPath(path: string): string {
  const rel = relative(REPO_ROOT, path)
  return rel.startsWith('..') ? path : rel
}
