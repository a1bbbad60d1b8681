// Two ways to hand a batch to a thread and get its reply, measured in the same run: the
// runtime's (postMessage both ways, each side woken by its event loop) and the alternative
// docs/runtime.md once named (the receiver woken by Atomics.notify on shared memory and taking the
// message synchronously with receiveMessageOnPort, no event-loop turn; a worker waits up to 2 ms
// for its next batch before going back to its loop). Each round hands every thread a batch that
// costs WORK_MICROS of CPU and waits for all replies, as a simulation step does.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'

export const WORK_MICROS = 100
const ROUNDS = 2000

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
export async function handoffRoundMicros(threads: number, mode: 'postMessage' | 'atomics'): Promise<number> {
  const atomics = mode === 'atomics'
  const signals = new Int32Array(new SharedArrayBuffer(4 * (1 + threads)))
  const pool: Thread[] = Array.from({ length: threads }, (_, index) => {
    const { port1, port2 } = new MessageChannel()
    const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { signals: signals.buffer, index, reply: port2, atomics, workUs: WORK_MICROS }, transferList: [port2] })
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
    for (let i = 0; i < ROUNDS; i++) await round(i)
    return ((performance.now() - started) / ROUNDS) * 1000
  } finally {
    await Promise.all(pool.map((t) => t.worker.terminate()))
  }
}
