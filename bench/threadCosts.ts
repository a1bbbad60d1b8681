// What threads cost on this machine, with no node code, for the benches to set beside a run:
// - a hand-off round: every thread handed a batch that costs `workMicros` of CPU, all replies
//   awaited, as a simulation step does. With no work it is the floor under a step that wakes that
//   many threads. Two ways are measured: the runtime's (postMessage both ways, each side woken by
//   its event loop) and the alternative docs/runtime.md once named (the receiver woken by
//   Atomics.notify on shared memory and taking the message synchronously with
//   receiveMessageOnPort, no event-loop turn; a worker waits up to 2 ms for its next batch);
// - starting a worker thread, which every untrusted node incarnation pays.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'

export const WORK_MICROS = 100

const WORKER = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads')
const { signals, index, reply, atomics, workUs } = workerData
const s = new Int32Array(signals)
const busy = () => { const t = process.hrtime.bigint(); while (Number(process.hrtime.bigint() - t) < workUs * 1000); }
let seen = 0
function answer(m) { busy(); reply.postMessage(m); seen++; if (atomics) { Atomics.add(s, 0, 1); Atomics.notify(s, 0) } }
parentPort.on('message', (m) => {
  answer(m)
  // Atomics: wait (blocked, no CPU) up to 2 ms for the next batch and take it without the loop.
  while (atomics && Atomics.wait(s, 1 + index, seen, 2) !== 'timed-out') {
    const next = receiveMessageOnPort(parentPort)
    if (!next) break
    answer(next.message)
  }
})
`

interface Thread {
  worker: Worker
  replies: MessagePort
  sent: number
  onReply: (() => void) | null
}

/** Mean µs per round with `threads` threads, handing off by postMessage or by Atomics. */
export async function handoffRoundMicros(threads: number, mode: 'postMessage' | 'atomics', workMicros = WORK_MICROS, rounds = 2000): Promise<number> {
  const atomics = mode === 'atomics'
  const signals = new Int32Array(new SharedArrayBuffer(4 * (1 + threads)))
  const pool: Thread[] = Array.from({ length: threads }, (_, index) => {
    const { port1, port2 } = new MessageChannel()
    const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { signals: signals.buffer, index, reply: port2, atomics, workUs: workMicros }, transferList: [port2] })
    const thread: Thread = { worker, replies: port1, sent: 0, onReply: null }
    if (!atomics) port1.on('message', () => thread.onReply?.())
    return thread
  })
  const round = async (n: number): Promise<void> => {
    if (!atomics) {
      await Promise.all(pool.map((t) => new Promise<void>((resolve) => ((t.onReply = resolve), t.worker.postMessage({ n })))))
      return
    }
    pool.forEach((t, i) => {
      t.worker.postMessage({ n })
      Atomics.store(signals, 1 + i, ++t.sent)
      Atomics.notify(signals, 1 + i)
    })
    let got = 0
    // The main thread blocks (briefly) for replies too, then falls back to its loop.
    for (const deadline = performance.now() + 5; got < threads; ) {
      for (const t of pool) if (receiveMessageOnPort(t.replies)) got++
      if (got >= threads) break
      if (performance.now() > deadline) await new Promise((resolve) => setImmediate(resolve))
      else Atomics.wait(signals, 0, Atomics.load(signals, 0), 0.5)
    }
  }
  try {
    for (let i = 0; i < 100; i++) await round(i)
    const started = performance.now()
    for (let i = 0; i < rounds; i++) await round(i)
    return ((performance.now() - started) / rounds) * 1000
  } finally {
    await Promise.all(pool.map((t) => t.worker.terminate()))
  }
}

/**
 * CPU ms this process spends to start a bare worker thread and end it (one at a time, so nothing
 * else runs meanwhile): what every node incarnation pays at least, since an untrusted node's
 * worker is never reused.
 */
export async function workerStartCpuMs(count = 20): Promise<number> {
  const cpu0 = process.cpuUsage()
  for (let i = 0; i < count; i++) {
    const worker = new Worker("require('node:worker_threads').parentPort.postMessage(1)", { eval: true, execArgv: [] })
    await new Promise((resolve) => worker.once('message', resolve))
    await worker.terminate()
  }
  const cpu = process.cpuUsage(cpu0)
  return (cpu.user + cpu.system) / 1000 / count
}
