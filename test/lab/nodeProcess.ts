// `npm run node` (or another lab CLI) as a test drives it: a child process whose stdout lines,
// stderr and exit are watched. Bounded: killed after `limitMs` (default 60 s) whatever happens.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { REPO_ROOT } from '../../runtime/index.ts'

export interface NodeProcess {
  child: ChildProcessWithoutNullStreams
  /** The real address it printed on stderr when it started. */
  address: Promise<string>
  /** Every stdout line so far. */
  lines: string[]
  /** Everything it wrote to stderr so far. */
  stderr(): string
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp): Promise<string>
  /** Resolves with stdout line number `n` (0-based) once there is one. */
  lineAt(n: number): Promise<string>
  exit: Promise<number | null>
}

export function startNode(args: string[], limitMs = 60_000): NodeProcess {
  return startCli('node.ts', args, { limitMs })
}

export interface CliOptions {
  /** Killed after this long whatever happens (default 60 s). */
  limitMs?: number
  /** Its working directory (default: this process's). */
  cwd?: string
  /** Its environment: this process's with these set, and those set to undefined removed. */
  env?: Record<string, string | undefined>
}

/** `lab/cli/<script>` run with tsx as `node --import tsx`, from any working directory. */
export function startCli(script: string, args: string[], options: CliOptions = {}): NodeProcess {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env }
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
  // tsx is named by its own URL, so the child finds it whatever its working directory.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'lab', 'cli', script), ...args], { cwd: options.cwd ?? process.cwd(), env })
  const limitMs = options.limitMs ?? 60_000
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs)
  const lines: string[] = []
  let partial = ''
  let err = ''
  const waiters: Array<{ match: (line: string, index: number) => boolean; resolve: (line: string) => void }> = []
  const settle = (): void => {
    for (const w of [...waiters]) {
      const index = lines.findIndex((l, i) => w.match(l, i))
      if (index >= 0) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(lines[index] as string)
      }
    }
  }
  let onAddress: (a: string) => void = () => {}
  const address = new Promise<string>((resolve) => (onAddress = resolve))
  child.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString()
    const parts = partial.split('\n')
    partial = parts.pop() ?? ''
    lines.push(...parts)
    settle()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString()
    const m = / on (127\.\d+\.\d+\.\d+:\d+) over /.exec(err)
    if (m) onAddress(m[1] as string)
  })
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer)
      resolve(code)
    }),
  )
  const wait = (match: (line: string, index: number) => boolean): Promise<string> =>
    new Promise((resolve) => {
      waiters.push({ match, resolve })
      settle()
    })
  return { child, address, lines, exit, stderr: () => err, line: (pattern) => wait((l) => pattern.test(l)), lineAt: (n) => wait((_, i) => i === n) }
}

/** A port free on 127.0.0.1 right now: for a node whose address others must know before it starts (`--join`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}
