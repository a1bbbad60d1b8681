// Confines one node inside its worker, before its module loads: what it can import, touch and
// observe. The boundary that counts is the main thread, which validates everything a worker says
// (see sim/checkReply.ts); this layer makes the worker a place where honest code is deterministic
// and hostile code finds no door: no network, no other thread, process or file, no real clock,
// no unseeded randomness. Inline hosts (the main thread's baseline) are never confined: they are
// for trusted code only. docs/sandbox.md lists every door and how it is shut.
import timers from 'node:timers'
import zlib from 'node:zlib'
import { syncBuiltinESMExports } from 'node:module'
import { ALLOWED_BUILTINS, refusal } from './builtinPolicy.ts'
import { guardFileSystem } from './fsGuard.ts'
import { ConfinementError, refused, refuseAll, refusingObject, replace } from './refuse.ts'
import { seedCrypto, type SeededBytes } from './seededCrypto.ts'
import { VIRTUAL_EPOCH_MS } from '../virtualGlobals.ts'

export interface ConfineOptions {
  /** The only directory the node's files may be in. */
  dataDir: string
  /** How many files it may hold open at once. */
  openFiles: number
  /** Seeded bytes (node:crypto's random draws). */
  randomBytes: SeededBytes
  /** Virtual ms since the node's clock started (process.hrtime, process.uptime). */
  now(): number
  /** The virtual clock's timers, for node:timers. */
  timers: Record<'setTimeout' | 'setInterval' | 'clearTimeout' | 'clearInterval', (...args: never[]) => unknown>
  /** What the node writes to process.stdout/stderr: a log record, like console.log. */
  write(stream: 'stdout' | 'stderr', text: string): void
}

/** What the node's bundle calls for `require(name)` (see compileModule's NODE_BANNER). */
export const REQUIRE_KEY = Symbol.for('distlab.require')

const ASYNC = 'node code must be synchronous (it would run on real time, between events); use xstate delays (after: { 0: ... }) or raise()'
const MACHINE = 'its value depends on the machine and the moment, so the same seed would not give the same run'
const PROCESSES = 'node code runs confined: no signals, other processes, threads or native addons'
const NETWORK = 'nodes talk only through send() and reply(); the runtime carries every message'

/** The node the worker serves now: the patches read it at each call, so a reused worker serves the next. */
let active: ConfineOptions | null = null
let fileGuard: { reset(): void } | null = null

function current(): ConfineOptions {
  if (!active) throw new ConfinementError('node code', 'no node is loaded in this worker')
  return active
}

/**
 * Closes the files the last node left open. Called when its worker goes back to the pool, so
 * the run that opened them pays for closing them (closing the last handle of a deleted 256 MiB
 * file frees its blocks), not the next run, and an idle worker holds no file of a finished run.
 */
export function releaseNodeFiles(): void {
  fileGuard?.reset()
}

/** Confines the worker (the first time) and makes `options` the node it serves. */
export function confineNode(options: ConfineOptions): void {
  active = options
  if (fileGuard) {
    fileGuard.reset()
    return
  }
  // Captured before anything is patched: the runtime's own way to the built-ins.
  const getBuiltin = process.getBuiltinModule.bind(process)
  fileGuard = guardFileSystem(() => current().dataDir, () => current().openFiles)
  seedCrypto((bytes) => current().randomBytes(bytes))
  confineTimers()
  refuseAsyncZlib()
  confineProcess(getBuiltin)
  confineGlobals()
  // `import { openSync } from 'node:fs'` in the node's module sees the narrowed functions.
  syncBuiltinESMExports()
  const policyRequire = (name: string): unknown => {
    const why = refusal(name)
    if (why !== null || !ALLOWED_BUILTINS.has(name.replace(/^node:/, ''))) throw new ConfinementError(`require(${JSON.stringify(name)})`, why ?? 'node code imports its own files statically; only built-ins can be required')
    return getBuiltin(name)
  }
  replace(globalThis, REQUIRE_KEY, policyRequire)
}

function confineTimers(): void {
  for (const name of ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] as const) {
    replace(timers, name, (...args: never[]) => current().timers[name](...args))
  }
  refuseAll(timers, 'timers.', ['setImmediate', 'clearImmediate', 'active', 'unenroll', 'enroll'], ASYNC)
  replace(timers, 'promises', refusingObject('timers.promises', ASYNC))
  replace(globalThis, 'setImmediate', refused('setImmediate()', ASYNC))
  replace(globalThis, 'clearImmediate', refused('clearImmediate()', ASYNC))
}

function refuseAsyncZlib(): void {
  const table = zlib as unknown as Record<string, unknown>
  for (const name of Object.keys(zlib)) {
    if (typeof table[name] === 'function' && /^[a-z]/.test(name) && !name.endsWith('Sync') && name !== 'crc32') {
      replace(zlib, name, refused(`zlib.${name}()`, `${ASYNC}; use zlib.${name.replace(/^create/, '').replace(/^./, (c) => c.toLowerCase())}Sync()`))
    }
  }
}

function confineProcess(getBuiltin: (name: string) => unknown): void {
  refuseAll(process, 'process.', ['kill', '_kill', 'abort', 'dlopen', 'binding', '_linkedBinding', '_getActiveHandles', '_getActiveRequests', 'getActiveResourcesInfo', 'setSourceMapsEnabled', 'setUncaughtExceptionCaptureCallback'], PROCESSES)
  refuseAll(process, 'process.', ['cpuUsage', 'resourceUsage', 'memoryUsage', 'constrainedMemory', 'availableMemory'], MACHINE)
  replace(process, 'report', refusingObject('process.report', MACHINE))
  replace(process, 'getBuiltinModule', (name: string) => {
    const why = refusal(String(name))
    if (why !== null) throw new ConfinementError(`process.getBuiltinModule(${JSON.stringify(name)})`, why)
    return getBuiltin(name)
  })
  const hrtime = (previous?: [number, number]): [number, number] => {
    const ns = Math.round(current().now() * 1e6)
    const now: [number, number] = [Math.floor(ns / 1e9), ns % 1e9]
    if (!previous) return now
    const diff = (now[0] - previous[0]) * 1e9 + (now[1] - previous[1])
    return [Math.floor(diff / 1e9), diff % 1e9]
  }
  hrtime.bigint = (): bigint => BigInt(Math.round(current().now() * 1e6))
  replace(process, 'hrtime', hrtime)
  replace(process, 'uptime', () => current().now() / 1000)
  // Values that differ from run to run, made constant.
  replace(process, 'env', {})
  replace(process, 'argv', ['node', 'node'])
  replace(process, 'execArgv', [])
  replace(process, 'pid', 1)
  replace(process, 'ppid', 0)
  for (const stream of ['stdout', 'stderr'] as const) {
    replace(process[stream], 'write', (chunk: unknown, ...rest: unknown[]): boolean => {
      current().write(stream, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString())
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      callback?.()
      return true
    })
  }
  // The worker's own port and data are the runtime's (worker.ts keeps its copies).
  const workers = getBuiltin('worker_threads') as object
  replace(workers, 'parentPort', null)
  replace(workers, 'workerData', null)
  replace(workers, 'threadId', 1)
  refuseAll(workers, 'worker_threads.', ['Worker', 'MessageChannel', 'BroadcastChannel', 'receiveMessageOnPort', 'moveMessagePortToContext', 'setEnvironmentData', 'getEnvironmentData'], PROCESSES)
}

function confineGlobals(): void {
  const g = globalThis as unknown as Record<string, unknown>
  replace(g, 'fetch', refused('fetch()', NETWORK))
  for (const name of ['WebSocket', 'EventSource']) if (name in g) replace(g, name, refused(name, NETWORK))
  for (const name of ['BroadcastChannel', 'MessageChannel', 'MessagePort', 'Worker']) if (name in g) replace(g, name, refused(name, PROCESSES))
  replace(g, 'navigator', refusingObject('navigator', MACHINE))
  Reflect.deleteProperty(g, 'gc') // a collection costs time only; where it cannot go, it stays
  refuseAll((globalThis as unknown as { WebAssembly: object }).WebAssembly, 'WebAssembly.', ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming'], `${ASYNC}; use new WebAssembly.Module() and new WebAssembly.Instance()`)
  refuseAll(Atomics, 'Atomics.', ['waitAsync'], ASYNC)
  replace(performance, 'timeOrigin', VIRTUAL_EPOCH_MS)
  refuseAll(performance, 'performance.', ['mark', 'measure', 'timerify', 'eventLoopUtilization', 'markResourceTiming', 'toJSON'], `${MACHINE}; use performance.now(), which follows virtual time`)
  Object.defineProperty(performance, 'nodeTiming', {
    get: refused('performance.nodeTiming', MACHINE),
    configurable: true,
  })
}
