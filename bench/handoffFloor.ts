// The floor under a step's wall time: handing N idle threads a small message each and waiting for
// every answer, with no node code at all. A step that wakes N node threads cannot be faster on
// this machine, so steps × this floor is the part of a run no change to node code can remove.
import { Worker } from 'node:worker_threads'

const ECHO = "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m))"

/** Mean µs per round of "post to each of `threads` workers, await all answers". */
export async function handoffFloorMicros(threads: number, rounds = 400): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(ECHO, { eval: true, execArgv: [] }))
  try {
    const round = (n: number): Promise<unknown[]> =>
      Promise.all(
        workers.map(
          (w) =>
            new Promise((resolve) => {
              w.once('message', resolve)
              w.postMessage({ n, items: [{ t: n, seq: n, kind: 'timer', timer: 1 }] })
            }),
        ),
      )
    for (let i = 0; i < 50; i++) await round(i) // warm-up: threads booted, code optimised
    const started = performance.now()
    for (let i = 0; i < rounds; i++) await round(i)
    return ((performance.now() - started) / rounds) * 1000
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
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
