// One grading sandbox: a Node process under the permission model (read: the run's bundles and
// the packages they need; write: the run's scratch directory; workers yes; child processes,
// native addons and the inspector no), with code generation from strings off, an empty
// environment, in a process group of its own and, where the machine allows, in network and PID
// namespaces of its own (only its own loopback is up: no socket reaches outside it; no process
// outside can be signalled, and when the sandbox ends, all it started ends with it). The parent watches its
// memory and ends it when the run goes over its limit. What the
// sandbox reports comes through an authenticated channel (graders/sandbox/channel.ts); its
// stdout and stderr are student-writable and only ever shown quoted, as the sandbox's last words.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { FrameReader } from '../../graders/sandbox/channel.ts'
import { parseSandboxMessage, type SandboxJob, type SandboxMessage } from '../../graders/sandbox/protocol.ts'
import { cleanText } from '../../runtime/sandbox.ts'

export interface SandboxOptions {
  entry: string
  /** Directories and files the sandbox may read (besides its scratch directory). */
  read: string[]
  /** The one directory it may write; also its TMPDIR and working directory. */
  scratch: string
  job: Omit<SandboxJob, 'key'>
  /** Resident memory of the whole sandbox (its nodes included), in MiB. */
  memoryMb: number
  onMessage(message: SandboxMessage): void
}

export interface SandboxEnd {
  /** It said 'done' (or 'unusable') and exited by itself. */
  finished: boolean
  /** Why it ended early, for the test it was running: a sentence. */
  reason: string
  /** Lines on the channel that were not authentic frames: someone else wrote to it. */
  forged: number
}

const TAIL = 2000
const MEMORY_POLL_MS = 100

export class SandboxProcess {
  readonly ended: Promise<SandboxEnd>
  private readonly child: ChildProcess
  private killedFor: string | null = null
  private finished = false
  private tail = ''

  constructor(private readonly options: SandboxOptions) {
    const key = randomBytes(32)
    const reader = new FrameReader(key)
    const args = [
      '--experimental-permission',
      ...[...options.read, options.scratch].map((path) => `--allow-fs-read=${path}`),
      `--allow-fs-write=${options.scratch}`,
      '--allow-worker',
      '--disallow-code-generation-from-strings',
      '--expose-gc',
      '--no-warnings',
      '--enable-source-maps',
      options.entry,
    ]
    const [command, ...prefix] = [...(networkNamespace()?.prefix ?? []), process.execPath]
    this.child = spawn(command as string, [...prefix, ...args], {
      cwd: options.scratch,
      env: { TMPDIR: options.scratch, LANG: 'C.UTF-8' },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      // Its own process group: a kill(0) inside reaches only the sandbox.
      detached: true,
    })
    running.add(this)
    const channel = this.child.stdio[3] as Readable
    channel.setEncoding('utf8')
    channel.on('data', (chunk: string) => {
      for (const raw of reader.push(chunk)) {
        const message = parseSandboxMessage(raw)
        if (!message) {
          reader.rejected++
          continue
        }
        if (message.type === 'done' || message.type === 'unusable') this.finished = true
        options.onMessage(message)
      }
    })
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8')
      stream?.on('data', (chunk: string) => {
        this.tail = (this.tail + chunk).slice(-TAIL)
      })
    }
    this.child.stdin?.on('error', () => {})
    this.child.stdin?.end(JSON.stringify({ ...options.job, key: key.toString('hex') }))
    const memory = setInterval(() => this.checkMemory(), MEMORY_POLL_MS)
    memory.unref()
    this.ended = new Promise<SandboxEnd>((resolve) => {
      this.child.on('error', (err) => {
        this.killedFor ??= `the grading sandbox could not start: ${err.message}`
      })
      this.child.on('close', (code, signal) => {
        clearInterval(memory)
        running.delete(this)
        resolve({ finished: this.finished && code === 0, reason: this.describeEnd(code, signal), forged: reader.rejected })
      })
    })
  }

  /** Ends the sandbox now; `reason` is what the interrupted test is told. */
  kill(reason: string): void {
    this.killedFor ??= reason
    try {
      // The whole group: the sandbox and, without a PID namespace, anything it managed to start.
      if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL')
    } catch {
      this.child.kill('SIGKILL')
    }
  }

  /** Ends every sandbox still running (the parent is being interrupted). */
  static killAll(reason: string): void {
    for (const sandbox of running) sandbox.kill(reason)
  }

  private checkMemory(): void {
    const rss = residentMb(this.child.pid)
    if (rss !== null && rss > this.options.memoryMb) {
      this.kill(`the run used ${rss} MiB of memory, over the limit of ${this.options.memoryMb} MiB for a whole grading run (its nodes' heaps and buffers together); the sandbox was stopped`)
    }
  }

  private describeEnd(code: number | null, signal: NodeJS.Signals | null): string {
    if (this.killedFor) return this.killedFor
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
    const words = cleanText(this.tail.trim(), TAIL)
    return `the grading sandbox ${how}${words ? `; its last output (the solution's or the runtime's):\n${quote(words)}` : ''}`
  }
}

/** Text the solution may have written, set off as a quotation: it is never the grader's own line. */
export function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `  │ ${line}`)
    .join('\n')
}

const running = new Set<SandboxProcess>()

/**
 * Resident set in MiB of a Linux process and its descendants (unshare forks node), threads
 * included; null where /proc is not there.
 */
function residentMb(pid: number | undefined): number | null {
  if (pid === undefined) return null
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status)
    let kb = match ? Number(match[1]) : 0
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean)) kb += (residentMb(Number(child)) ?? 0) * 1024
    return Math.round(kb / 1024)
  } catch {
    return null
  }
}

let netns: Namespaces | null | undefined

export interface Namespaces {
  /** The command prefix that starts the sandbox in them. */
  prefix: string[]
  /** Whether the network is a namespace of its own. */
  privateNetwork: boolean
  /** Whether its loopback is up (real-mode tests need it). */
  loopback: boolean
}

/** Sets IFF_UP on `lo` with two ioctls (SIOCGIFFLAGS, SIOCSIFFLAGS): Python's standard library, where `ip` is missing. */
const LOOPBACK_UP_PY = [
  'import socket, fcntl, struct',
  's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  "flags = struct.unpack('16sH14s', fcntl.ioctl(s, 0x8913, struct.pack('16sH14s', b'lo', 0, b'')))[1]",
  "fcntl.ioctl(s, 0x8914, struct.pack('16sH14s', b'lo', flags | 1, b''))",
].join('\n')

/**
 * The command prefix that gives the sandbox network and PID namespaces of its own: a network with
 * only its own loopback (brought up with `ip`, or with python3 where `ip` is missing, so real-mode
 * tests have sockets and nothing outside is reachable); no other process visible; --kill-child ends
 * the namespace with unshare. Where neither can bring the loopback up, the namespace stays without
 * one (real-mode tests then fail there, and `grade` says why) rather than share the host's network.
 * Null where unshare is missing or not permitted.
 */
export function networkNamespace(): Namespaces | null {
  if (netns !== undefined) return netns
  netns = null
  const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((path) => existsSync(path))
  if (!unshare) return netns
  const ip = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((path) => existsSync(path))
  const python = ['/usr/bin/python3', '/usr/local/bin/python3', '/bin/python3'].find((path) => existsSync(path))
  // "$0" is ip or python3; "$@" the sandbox's own command (python's script is $1, shifted away).
  const loopbackUp = ip ? ['/bin/sh', '-c', '"$0" link set lo up && exec "$@"', ip] : python ? ['/bin/sh', '-c', '"$0" -c "$1" && shift && exec "$@"', python, LOOPBACK_UP_PY] : null
  const pid = ['--pid', '--fork', '--kill-child']
  const tries: Namespaces[] = []
  for (const root of [[], ['--map-root-user']]) {
    if (loopbackUp) tries.push({ prefix: [unshare, '--net', ...pid, ...root, ...loopbackUp], privateNetwork: true, loopback: true })
    tries.push({ prefix: [unshare, '--net', ...pid, ...root], privateNetwork: true, loopback: false })
  }
  for (const attempt of tries) {
    const [command, ...args] = [...attempt.prefix, '/bin/true']
    if (spawnSync(command as string, args, { stdio: 'ignore', timeout: 5000 }).status === 0) {
      netns = attempt
      break
    }
  }
  return netns
}
