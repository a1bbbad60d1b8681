// `npm run disk-emulator` as a person runs it: it prints its URL and how to authorise, serves
// with the flags given, and Ctrl-C closes it; bad flags get one line and exit 2. Bounded: every
// child is killed after LIMIT_MS whatever happens.
import { spawn, spawnSync } from 'node:child_process'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BOUND_MS } from './helpers.ts'

const test = suite('disk emulator: the command')
const LIMIT_MS = 30_000
const ENV = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }

function run(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lab/cli/diskEmulator.ts', ...args], { encoding: 'utf8', env: ENV, timeout: LIMIT_MS })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

test('--help, and bad flags: one line each, exit 2 (docs/cli.md)', () => {
  const help = run('--help')
  assert.is(help.code, 0)
  assert.match(help.out, /usage: npm run disk-emulator -- \[--port N\] \[--token T\] \[--latency MS\] \[--faults SPEC\] \[--data DIR\]/)
  for (const [args, message] of [
    [['--port', 'x'], /^distlab: --port must be a non-negative integer \(got 'x'\)$/],
    [['--faults', '429@never'], /^distlab: --faults: '429@never' has no valid WHEN/],
    [['--latency', 'soon'], /^distlab: --latency must be a time like 1500, 1500ms or 1\.5s/],
    [['--colour'], /^distlab: Unknown option '--colour'/],
  ] as const) {
    const r = run(...args)
    assert.is(r.code, 2, args.join(' '))
    assert.match(r.err.trim().split('\n')[0] as string, message)
    assert.not.match(r.err, /\n\s+at /, 'no stack trace')
  }
})

test('it prints the URL and the token hint, serves with its faults, and Ctrl-C closes it', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lab/cli/diskEmulator.ts', '--port', '0', '--token', 'cli-token', '--faults', '429@1'], { env: ENV })
  const killer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS)
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  try {
    let out = ''
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const m = /disk emulator on (http:\/\/127\.0\.0\.1:\d+) \(in memory\)/.exec(out)
        if (m && out.includes('DISK_TOKEN=cli-token')) resolve(m[1] as string)
      })
      child.on('close', () => reject(new Error(`it exited before printing its URL: ${out}`)))
    })
    assert.match(out, /Authorization: OAuth cli-token/)
    const call = (): Promise<Response> => fetch(`${url}/v1/disk`, { headers: { authorization: 'OAuth cli-token' }, signal: AbortSignal.timeout(BOUND_MS) })
    const first = await call()
    assert.is(first.status, 429)
    assert.is(first.headers.get('retry-after'), '1')
    assert.is((await call()).status, 200)
    child.kill('SIGINT')
    assert.is(await exit, 0)
    const after = await fetch(`${url}/v1/disk`, { signal: AbortSignal.timeout(BOUND_MS) }).then(
      () => 'answered',
      () => 'closed',
    )
    assert.is(after, 'closed')
  } finally {
    clearTimeout(killer)
    child.kill('SIGKILL')
  }
})

test.run()
