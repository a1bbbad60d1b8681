// The benchmark's ceiling for message-dispatched hashing: a bare worker thread hashing ranges of
// a SharedArrayBuffer it was given, answering each range with the time it took. No pool, no
// transfers: what any design that hands work to threads by message can reach on this machine.
import { createHash } from 'node:crypto'
import { parentPort, workerData } from 'node:worker_threads'

const shared = workerData as { buffer: SharedArrayBuffer; partSize: number }

parentPort?.on('message', ({ offset, length }: { offset: number; length: number }) => {
  const bytes = new Uint8Array(shared.buffer, offset, length)
  for (let p = 0; p < length; p += shared.partSize) createHash('sha1').update(bytes.subarray(p, Math.min(length, p + shared.partSize))).digest('hex')
  parentPort?.postMessage(0)
})
