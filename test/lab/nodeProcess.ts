// `npm run node` as a test drives it: a child process whose stdout lines, stderr and exit are
// watched. Bounded: killed after `limitMs` (default 60 s) whatever happens.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createServer } from 'node:net'

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'lab/cli/node.ts', ...args], { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } })
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
