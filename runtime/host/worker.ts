// The worker-thread entry of a node incarnation. In the grading sandbox a worker serves one
// incarnation and ends (a reused worker would carry globalThis into the next node); in trusted
// runs a healthy worker is reset and serves another (see WarmWorkers).
// Control calls (init, inspect) go through comlink on their own port; event batches go through
// parentPort, one message per batch, because one message per event would cap the simulation at a
// few thousand events per second. (Node's MessagePort is an EventTarget with start(), which is
// all comlink needs of an endpoint.) Before the node's module loads, the worker confines it
// (./confine): the ports, timers and built-ins below are the runtime's copies, taken first.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { format } from 'node:util'
import v8, { promiseHooks } from 'node:v8'
import vm from 'node:vm'
import * as Comlink from 'comlink'
import { isNodeDefinition } from '../node/defineNode.ts'
import { confineNode, releaseNodeFiles } from './confine/index.ts'
import { underPermissionModel } from './workerFlags.ts'
import { NodeHost, describeError } from './NodeHost.ts'
import { PROGRESS_IDLE, type HostControl, type HostInit, type StepReply, type StepRequest } from './protocol.ts'
import { transferablesOf } from './transferables.ts'
import { monotonicMs } from './monotonic.ts'

interface WorkerData {
  control: MessagePort
  progress: SharedArrayBuffer
}

const data = workerData as WorkerData
const port = parentPort as NonNullable<typeof parentPort>
const progress = new Float64Array(data.progress)
const later = setImmediate
const heapStatistics = v8.getHeapStatistics.bind(v8)
const collectGarbage = fullGc()
let host: NodeHost | null = null
/** Nodes served: each imports its module under a new URL, as a fresh instance. */
let served = 0
const MiB = 1024 * 1024

// Node code must be synchronous; when a promise of its own rejects anyway, the node fails with
// the batch that caused it (see `appendStrays` below), not whenever the rejection surfaces.
process.on('unhandledRejection', (reason) => host?.noteError('a promise callback (an unhandled rejection)', reason))

// Whether a batch created any promise: only then must its callbacks run before the reply.
let promised = false
promiseHooks.onInit(() => {
  promised = true
})

const control: HostControl = {
  async init(init: HostInit, moduleUrl: string): Promise<void> {
    if (host) throw new Error('this worker already serves a node')
    if (init.permission && !underPermissionModel()) throw new Error('this worker runs without the permission model of its process (a worker given its own execArgv loses it); it refuses to load node code')
    const created = new NodeHost(init)
    installGlobals(created)
    confineNode({
      dataDir: init.dataDir,
      openFiles: init.limits.openFiles,
      randomBytes: (into) => created.globals.fill(into),
      now: () => created.clock.now,
      timers: { setTimeout: created.clock.setTimeout, setInterval: created.clock.setInterval, clearTimeout: created.clock.clearTimeout, clearInterval: created.clock.clearTimeout },
      write: (stream, text) => created.log(stream, text.replace(/\n$/, '')),
    })
    let exported: unknown
    try {
      exported = (await import(`${moduleUrl}?node=${++served}`)).default
    } catch (err) {
      throw new Error(`importing the module failed: ${describeError(err)}`)
    }
    if (!isNodeDefinition(exported)) {
      throw new Error(
        exported === undefined
          ? 'the module has no default export; end it with `export default defineNode({ machine })`'
          : 'the default export is not a node; export `defineNode({ machine })` from distlab/node',
      )
    }
    created.load(exported)
    created.writes?.install()
    host = created
  },
  inspect() {
    if (!host) throw new Error('node is not initialized')
    const snapshot = host.snapshot()
    try {
      // Checked here, so the error names the problem instead of comlink's "Unserializable return value".
      return structuredClone(snapshot)
    } catch (err) {
      throw new Error(`the node's state cannot be copied out of its worker (${describeError(err)}); a function, or a buffer it handed over, in its context?`)
    }
  },
  tear(write, cut) {
    host?.writes?.tear(write, cut)
  },
  reset() {
    host?.writes?.restore()
    releaseNodeFiles()
    host = null
    progress[0] = PROGRESS_IDLE
  },
}

Comlink.expose(control, data.control as unknown as Comlink.Endpoint)

port.on('message', (request: StepRequest) => {
  const received = request.stamp ? monotonicMs() : 0
  const running = host
  if (!running) throw new Error('step before init')
  promised = false
  const reply = running.step(request, (what, t) => {
    progress[1] = t
    progress[0] = what
  })
  progress[0] = PROGRESS_IDLE
  if (request.stamp) reply.stamps = [received, 0]
  if (!promised) return finish(running, reply)
  // Promise callbacks the batch started run now, so whatever they do is reported with this batch.
  later(() => {
    running.appendStrays(reply)
    finish(running, reply)
  })
})

/** Checks the node's buffers against its limit, then posts the reply. */
function finish(running: NodeHost, reply: StepReply): void {
  const limit = running.init.limits.buffersMb * MiB
  // Counted after a full collection, so the verdict is the same on every run: only what the
  // node still holds counts, not garbage the collector had not reached yet.
  // Buffers held for hashing are the runtime's, not the node's.
  if (heapStatistics().external_memory - running.hashes.held > limit) {
    // Twice: V8 frees the backing stores of dead ArrayBuffers while sweeping, which may still be
    // under way when one collection returns; the next collection finishes it first.
    collectGarbage()
    collectGarbage()
    const held = heapStatistics().external_memory - running.hashes.held
    if (held > limit) running.noteLimit(`it holds ${Math.round(held / MiB)} MiB of ArrayBuffers and Buffers, over its limit of ${running.init.limits.buffersMb} MiB`)
    running.appendStrays(reply)
  }
  post(reply)
  hashWhileIdle(running)
}

/**
 * Hashes the node's waiting jobs a slice at a time while no batch is in: each slice is a
 * macrotask, so a batch that comes in waits at most one slice. Whatever is left when an answer is
 * delivered is finished then (HashJobs.answer).
 */
let hashing = false
function hashWhileIdle(running: NodeHost): void {
  if (hashing) return
  hashing = true
  const slice = (): void => {
    if (host === running && running.hashes.work()) later(slice)
    else hashing = false
  }
  later(slice)
}

function post(reply: StepReply): void {
  if (reply.stamps) reply.stamps[1] = monotonicMs()
  const transfer = new Set<ArrayBuffer>()
  for (const entry of reply.entries) {
    for (const effect of entry.effects) {
      if (effect.kind === 'send' && effect.transfer) for (const buffer of transferablesOf(effect.msg)) transfer.add(buffer)
    }
  }
  try {
    port.postMessage(reply, [...transfer])
  } catch (err) {
    // A message that cannot be cloned (a function, a class instance with methods...): name it.
    port.postMessage(uncloneable(reply, err))
  }
}

/** The reply up to the first message that cannot be cloned, which becomes the node's error. */
function uncloneable(reply: StepReply, err: unknown): StepReply {
  const entries: StepReply['entries'] = []
  for (const entry of reply.entries) {
    for (const [i, effect] of entry.effects.entries()) {
      if (effect.kind !== 'send') continue
      try {
        structuredClone(effect.msg)
      } catch {
        const message = `send(): message '${effect.msg.type}' to ${effect.to} cannot be copied between threads (${describeError(err)}); messages must be plain data`
        entries.push({ ...entry, effects: [...entry.effects.slice(0, i), { kind: 'error', event: 'a send', message }] })
        return { handled: reply.handled, entries }
      }
    }
    entries.push(entry)
  }
  const last = reply.entries.at(-1)
  const message = `the node's effects cannot be copied between threads: ${describeError(err)}`
  return { handled: reply.handled, entries: last ? [{ key: last.key, t: last.t, effects: [{ kind: 'error', event: 'a step', message }] }] : [] }
}

/** A full, synchronous garbage collection: `gc` when the process exposes it, else enabled here. */
function fullGc(): () => void {
  const g = globalThis as { gc?: () => void }
  if (typeof g.gc === 'function') return g.gc.bind(globalThis)
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
}

/** Timers and randomness follow the virtual clock; console output becomes trace `log` records. */
function installGlobals(created: NodeHost): void {
  created.globals.install()
  const clock = created.clock
  const g = globalThis as unknown as Record<string, unknown>
  g.setTimeout = clock.setTimeout
  g.setInterval = clock.setInterval
  g.clearTimeout = clock.clearTimeout
  g.clearInterval = clock.clearTimeout
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[level] = (...args: unknown[]) => created.log(level, format(...args))
  }
}
