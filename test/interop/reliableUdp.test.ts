// A program not written in TypeScript speaks the seed's protocol with the reference socket, both
// ways: the course's reliable_socket in Python 3 (standard library only) on one UDP port, the
// reference (through ReliableSocket, in real mode) on another. Skipped, saying so, without python3.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ReliableSocket } from '../../assignments/reliable-udp/ReliableSocket.ts'
import { REPO_ROOT } from '../../runtime/index.ts'

const test = suite('reliable-udp interop with Python')
const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'interop', 'reliable_socket.py')
const python = spawnSync('python3', ['--version']).status === 0

interface PythonRun {
  /** Its port, once it printed `ready`. */
  port: Promise<number>
  /** Every line it printed, once it exited. */
  lines: Promise<string[]>
}

/** Runs the Python socket; it stops by itself (its waits are bounded), and is killed after 30 s regardless. */
function runPython(args: string[]): PythonRun {
  const child = spawn('python3', [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  let out = ''
  let err = ''
  let onReady: (port: number) => void = () => {}
  const port = new Promise<number>((resolve) => (onReady = resolve))
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    const ready = /^ready (\d+)$/m.exec(out)
    if (ready) onReady(Number(ready[1]))
  })
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const lines = new Promise<string[]>((resolve, reject) =>
    child.on('close', (code) => {
      clearTimeout(killer)
      if (code === 0) resolve(out.trim().split('\n').slice(1))
      else reject(new Error(`python exited with ${code}: ${err}`))
    }),
  )
  return { port, lines }
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const read = (data: Uint8Array): string => new TextDecoder().decode(data)

if (!python) {
  test('python3 is not installed: the interop tests are skipped (install python3 to run them)', () => {
    console.log('  skipped: python3 not found on PATH')
  })
} else {
  test('Python sends, the reference receives: each message once, and Python hears every acknowledgement', async () => {
    const socket = await ReliableSocket.bind(0)
    try {
      const port = Number(socket.address.split(':')[1])
      const py = runPython(['send', '0', String(port), 'hello', 'from', 'python'])
      const got: string[] = []
      const from = new Set<string>()
      for (let i = 0; i < 3; i++) {
        const message = await socket.recvfrom()
        got.push(read(message.data))
        from.add(message.from)
      }
      const lines = await py.lines
      assert.equal(got, ['hello', 'from', 'python'])
      assert.equal([...from], [`127.0.0.1:${await py.port}`], "messages come with the Python socket's address")
      assert.is(lines.length, 3)
      assert.ok(lines.every((l) => /^sent \d+$/.test(l)), `Python's sendto returned for each: ${lines.join(' | ')}`)
    } finally {
      await socket.close()
    }
  })

  test('the reference sends, Python receives: sendto resolves with the id Python acknowledged', async () => {
    const socket = await ReliableSocket.bind(0)
    try {
      const py = runPython(['recv', '0', '2'])
      const target = `127.0.0.1:${await py.port}`
      const first = await socket.sendto(text('ping'), target)
      const second = await socket.sendto(text('pong'), target)
      assert.is(second, (first + 1) >>> 0, 'the reference numbers its packets consecutively')
      const lines = await py.lines
      assert.equal(lines, [`from ${socket.address} ping`, `from ${socket.address} pong`])
    } finally {
      await socket.close()
    }
  })

  test('a sendto to a port where nobody listens rejects with SendTimeout after 5 s', async () => {
    const socket = await ReliableSocket.bind(0)
    const silent = await ReliableSocket.bind(0)
    const address = silent.address
    await silent.close()
    try {
      const started = performance.now()
      const err = await socket.sendto(text('anyone?'), address).then(() => null, (e: Error) => e)
      assert.ok(err, 'sendto rejects')
      assert.is(err?.name, 'SendTimeout')
      assert.ok(performance.now() - started >= 4900, 'not before the timeout')
    } finally {
      await socket.close()
    }
  })
}

test.run()
