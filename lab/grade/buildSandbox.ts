// Everything the grading sandbox will load, compiled by the trusted parent before it starts (the
// sandbox may not spawn esbuild): the sandbox's own entry (runtime + graders in one file), the
// node worker, the solution's modules and the grader's extra modules. All
// of it lands in the run's bundle directory, which the sandbox may read and not write.
import { join } from 'node:path'
import { REPO_ROOT, compileModule, DistlabError, messageOf } from '../../runtime/index.ts'
import { moduleKey, type CompileOptions, WarmWorkers } from '../../runtime/sandbox.ts'

const SANDBOX_ENTRY = join(REPO_ROOT, 'graders', 'sandbox', 'entry.ts')

export interface SandboxBuild {
  /** The sandbox's entry file. */
  entry: string
  /** moduleKey → file URL, for useCompiledModules. */
  manifest: Record<string, string>
}

/**
 * Compiles the sandbox and its modules into `outDir`. A solution module that does not build is
 * reported as NODE_LOAD with the compiler's messages (file:line:column).
 */
export async function buildSandbox(outDir: string, solutionFiles: Record<string, string>, graderModules: string[]): Promise<SandboxBuild> {
  const manifest: Record<string, string> = {}
  const add = async (path: string, options: CompileOptions): Promise<void> => {
    manifest[moduleKey(path, options)] = await compileModule(path, { ...options, outDir })
  }
  const problems: string[] = []
  await Promise.all(
    Object.entries(solutionFiles).map(([, file]) =>
      add(file, { kind: 'node' }).catch((err: unknown) => {
        problems.push(messageOf(err))
      }),
    ),
  )
  if (problems.length) throw new DistlabError('NODE_LOAD', problems.join('\n'))
  await Promise.all([
    add(WarmWorkers.entry, { kind: 'runtime' }),
    ...graderModules.map((file) => add(file, { kind: 'node' })),
  ])
  const entry = await bundleEntry(outDir)
  return { entry, manifest }
}

async function bundleEntry(outDir: string): Promise<string> {
  const { build } = await import('esbuild')
  const outfile = join(outDir, 'sandbox.mjs')
  await build({
    entryPoints: [SANDBOX_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'silent',
    absWorkingDir: REPO_ROOT,
    mainFields: ['module', 'main'],
    conditions: ['module'],
    // The runtime finds the checkout through this, not through its own (bundled) location.
    define: { __DISTLAB_REPO_ROOT__: JSON.stringify(REPO_ROOT) },
    // esbuild is never loaded in the sandbox (nothing is compiled there).
    external: ['esbuild'],
    banner: { js: "import { createRequire as __distlabCreateRequire } from 'node:module'; const require = __distlabCreateRequire(import.meta.url);" },
  })
  return outfile
}
