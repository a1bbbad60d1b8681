// `npm run bench disk [-- --size MiB]`: a large file up to the disk emulator and back with the
// reference client, as the programs a user runs (`npm run disk-client -- upload`, then
// `download`), each one's wall time and peak memory. The claim it supports: a transfer runs in
// bounded memory. The client's peak RSS is set against a baseline measured in the same run, the
// peak of `disk-client info` (the same process doing no transfer), so "over the baseline" is what
// the transfer itself costs; it should be far below the file's size. The downloaded file must hash
// like the original (sha256, streamed). Temporary files are removed whatever happens.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kleur } from '../lab/format.ts'
import { REPO_ROOT } from '../runtime/index.ts'
import { saveResult } from './report.ts'

const MiB = 1 << 20
const TOKEN = 'distlab-bench-disk-token'
/** Each child is killed after this long whatever happens. */
const LIMIT_MS = 600_000
const SAMPLE_MS = 50
const FILE = 'big.bin'
const BACK = 'back.bin'

/** One process of a sampled tree: its peak resident set (VmHWM, kB) and what it runs. */
interface ProcessPeak {
  pid: number
  command: string
  peakKiB: number
}

interface Measured {
  code: number | null
  wallMs: number
  stdout: string
  stderr: string
  /** Every process of the tree seen, with its own peak. */
  processes: ProcessPeak[]
  /** The client itself: the node process running lab/cli/diskClient.ts under tsx's loader. */
  clientPeakKiB: number
  /** The most the whole tree (npm, sh, tsx's launcher, the client, anything it started) held at one sample. */
  treePeakKiB: number
}

export async function runDiskSuite(options: { sizeMiB?: number } = {}): Promise<void> {
  const sizeMiB = options.sizeMiB ?? 256
  const size = sizeMiB * MiB
  console.log(kleur.bold(`disk transfer: ${sizeMiB} MiB up to the disk emulator (--data) and back with npm run disk-client, wall time and peak RSS against disk-client info`))
  const work = mkdtempSync(join(tmpdir(), 'distlab-bench-disk-'))
  const data = mkdtempSync(join(tmpdir(), 'distlab-bench-disk-data-'))
  let emulator: Emulator | undefined
  try {
    let t = performance.now()
    const sha256 = writeFile(join(work, FILE), size)
    console.log(kleur.gray(`  wrote ${sizeMiB} MiB of deterministic bytes in ${((performance.now() - t) / 1000).toFixed(1)} s; sha256 ${sha256.slice(0, 16)}…`))
    emulator = await startEmulator(data)
    const env = { DISK_TOKEN: TOKEN, DISK_API_URL: emulator.url }

    const baseline = await measure(['info'], work, env)
    expect(baseline, 'info', /^used \d+ of \d+ bytes/)
    const upload = await measure(['upload', FILE, `/${FILE}`], work, env)
    expect(upload, 'upload', new RegExp(`^uploaded ${FILE} -> disk:/${FILE} \\(${size} bytes\\)$`))
    const download = await measure(['download', `/${FILE}`, BACK], work, env)
    expect(download, 'download', new RegExp(`^downloaded disk:/${FILE} -> ${BACK} \\(${size} bytes, checksums match\\)$`))
    t = performance.now()
    const back = await hashFile(join(work, BACK))
    const backSize = statSync(join(work, BACK)).size
    if (back !== sha256 || backSize !== size) throw new Error(`the downloaded file differs: ${backSize} bytes, sha256 ${back}; sent ${size} bytes, sha256 ${sha256}`)
    console.log(kleur.gray(`  the downloaded file hashes like the original (checked in ${((performance.now() - t) / 1000).toFixed(1)} s)`))
    const emulatorPeakKiB = emulator.peakKiB()

    const mb = size / 1e6
    const rate = (m: Measured): number => mb / (m.wallMs / 1000)
    // Less the wall time of the baseline: the start and stop every command pays, roughly.
    const netRate = (m: Measured): number => mb / (Math.max(1, m.wallMs - baseline.wallMs) / 1000)
    const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`
    const line = (label: string, m: Measured): void => {
      const over = m.clientPeakKiB - baseline.clientPeakKiB
      console.log(
        `  ${label.padEnd(9)} wall ${(m.wallMs / 1000).toFixed(1).padStart(5)} s  ${rate(m).toFixed(0).padStart(4)} MB/s (${netRate(m).toFixed(0)} less the baseline's wall)  client peak ${mib(m.clientPeakKiB).padStart(8)}  over the baseline ${kleur.bold(mib(over).padStart(7))} (${((over * 1024) / size * 100).toFixed(0)}% of the file)  whole tree ${mib(m.treePeakKiB)}`,
      )
    }
    console.log(`\n  baseline  wall ${(baseline.wallMs / 1000).toFixed(1).padStart(5)} s (disk-client info)  client peak ${mib(baseline.clientPeakKiB)}  whole tree ${mib(baseline.treePeakKiB)}`)
    line('upload', upload)
    line('download', download)
    console.log(`  emulator  peak ${mib(emulatorPeakKiB)} over the whole run`)
    const worst = Math.max(upload.clientPeakKiB, download.clientPeakKiB) - baseline.clientPeakKiB
    // No pass or fail: the claim is the number, the transfer's own cost next to the file's size.
    console.log(`  the most a transfer cost above the baseline: ${kleur.bold(mib(worst))}, ${kleur.bold(`${((worst * 1024) / size * 100).toFixed(0)}%`)} of the ${sizeMiB} MiB file${sizeMiB < 128 ? kleur.gray(' (a file this small says little: the default is 256 MiB)') : ''}`)
    const summary = (m: Measured) => ({
      wallMs: Math.round(m.wallMs),
      mbPerSecond: Number(rate(m).toFixed(1)),
      clientPeakRssBytes: m.clientPeakKiB * 1024,
      overBaselineBytes: (m.clientPeakKiB - baseline.clientPeakKiB) * 1024,
      treePeakRssBytes: m.treePeakKiB * 1024,
      netMbPerSecond: Number(netRate(m).toFixed(1)),
      processes: m.processes.map((p) => ({ command: p.command, peakRssBytes: p.peakKiB * 1024 })),
    })
    saveResult('disk-transfer', {
      size,
      sha256,
      sampleMs: SAMPLE_MS,
      // The client's peak is the node process running lab/cli/diskClient.ts; the tree adds npm, sh and tsx's launcher.
      baseline: { command: 'info', wallMs: Math.round(baseline.wallMs), clientPeakRssBytes: baseline.clientPeakKiB * 1024, treePeakRssBytes: baseline.treePeakKiB * 1024 },
      upload: summary(upload),
      download: summary(download),
      emulatorPeakRssBytes: emulatorPeakKiB * 1024,
      worstOverBaselineBytes: worst * 1024,
      worstOverBaselineOfFile: Number(((worst * 1024) / size).toFixed(3)),
    })
  } finally {
    await emulator?.close()
    rmSync(work, { recursive: true, force: true })
    rmSync(data, { recursive: true, force: true })
  }
}

/** `size` deterministic bytes (xorshift32) written 1 MiB at a time and hashed as they go; their sha256. */
function writeFile(path: string, size: number): string {
  const chunk = new Uint32Array(MiB / 4)
  const bytes = new Uint8Array(chunk.buffer)
  const hash = createHash('sha256')
  const fd = openSync(path, 'w')
  let x = 0x9e3779b9
  try {
    for (let offset = 0; offset < size; offset += MiB) {
      for (let i = 0; i < chunk.length; i++) {
        x ^= x << 13
        x ^= x >>> 17
        x ^= x << 5
        chunk[i] = x
      }
      const piece = bytes.subarray(0, Math.min(MiB, size - offset))
      hash.update(piece)
      let done = 0
      while (done < piece.length) done += writeSync(fd, piece, done, piece.length - done, offset + done)
    }
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path, { highWaterMark: MiB })
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject)
  })
}

function expect(m: Measured, what: string, line: RegExp): void {
  const printed = m.stdout.split('\n').some((l) => line.test(l.trim()))
  if (m.code !== 0 || !printed) throw new Error(`disk-client ${what} exited ${m.code}, printing:\n${m.stdout}${m.stderr}`)
}

/** `npm run disk-client -- ARGS` in `cwd` (npm tells the client where in INIT_CWD), to its exit, sampled. */
async function measure(args: string[], cwd: string, env: Record<string, string>): Promise<Measured> {
  const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }
  delete childEnv.INIT_CWD
  const started = performance.now()
  const child = spawn('npm', ['--prefix', REPO_ROOT, 'run', '--silent', 'disk-client', '--', ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  const sampler = new TreeSampler(child.pid as number)
  const timer = setInterval(() => sampler.sample(), SAMPLE_MS)
  const killer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (c) => resolve(c))
  })
  const wallMs = performance.now() - started
  clearInterval(timer)
  clearTimeout(killer)
  const processes = sampler.peaks()
  const client = processes.filter((p) => p.command.includes('diskClient.ts') && p.command.includes('loader.mjs'))
  if (client.length === 0) throw new Error(`no process running lab/cli/diskClient.ts under tsx's loader was seen (exit ${code}); the tree: ${processes.map((p) => p.command).join('; ')}\n${stdout}${stderr}`)
  return { code, wallMs, stdout, stderr, processes, clientPeakKiB: Math.max(0, ...client.map((p) => p.peakKiB)), treePeakKiB: sampler.treePeakKiB }
}

/** Samples a process and its descendants: each one's VmHWM (its own peak, so a peak between samples counts) and the tree's VmRSS sum. */
class TreeSampler {
  private readonly seen = new Map<number, ProcessPeak>()
  treePeakKiB = 0

  constructor(private readonly root: number) {}

  sample(): void {
    let rss = 0
    for (const pid of this.tree()) {
      const status = read(`/proc/${pid}/status`)
      if (!status) continue
      const hwm = kib(status, 'VmHWM')
      rss += kib(status, 'VmRSS')
      // The command is read each time: a process caught between fork and exec shows its parent's.
      const command = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim()
      const known = this.seen.get(pid)
      this.seen.set(pid, { pid, command: command || (known?.command ?? ''), peakKiB: Math.max(known?.peakKiB ?? 0, hwm) })
    }
    this.treePeakKiB = Math.max(this.treePeakKiB, rss)
  }

  peaks(): ProcessPeak[] {
    return [...this.seen.values()]
  }

  private tree(): number[] {
    const out: number[] = []
    const queue = [this.root]
    while (queue.length > 0) {
      const pid = queue.shift() as number
      out.push(pid)
      let tasks: string[] = []
      try {
        tasks = readdirSync(`/proc/${pid}/task`)
      } catch {
        continue
      }
      for (const task of tasks) for (const c of (read(`/proc/${pid}/task/${task}/children`) ?? '').split(' ')) if (c.trim()) queue.push(Number(c))
    }
    return out
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function kib(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0)
}

interface Emulator {
  url: string
  peakKiB(): number
  close(): Promise<void>
}

/** `disk-emulator --data DIR` as its own process (node under tsx, so its pid is the emulator's), sampled throughout. */
async function startEmulator(dir: string): Promise<Emulator> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'lab', 'cli', 'diskEmulator.ts'), '--port', '0', '--token', TOKEN, '--data', dir], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 3 * LIMIT_MS)
  const sampler = new TreeSampler(child.pid as number)
  const timer = setInterval(() => sampler.sample(), SAMPLE_MS)
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /disk emulator on (http:\/\/\S+)/.exec(out)
      if (m) resolve(m[1] as string)
    })
    child.once('close', (code) => reject(new Error(`the disk emulator exited ${code} before it listened:\n${out}${stderr}`)))
    setTimeout(() => reject(new Error(`the disk emulator did not start in 30 s:\n${out}${stderr}`)), 30_000).unref()
  }).catch(async (err: unknown) => {
    clearInterval(timer)
    clearTimeout(killer)
    child.kill('SIGKILL')
    await closed
    throw err
  })
  return {
    url,
    peakKiB: () => {
      sampler.sample()
      return sampler.peaks().find((p) => p.pid === child.pid)?.peakKiB ?? 0
    },
    close: async () => {
      clearInterval(timer)
      child.kill('SIGTERM')
      const late = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await closed
      clearTimeout(late)
      clearTimeout(killer)
    },
  }
}
