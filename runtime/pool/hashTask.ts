// The pool's task: hash a batch of jobs (several nodes' requests grouped into one task, so the
// per-task cost of ~150–300 µs is paid once per megabyte, not once per part) and hand every
// buffer back without copying.
import { move } from 'piscina'
import { hashParts } from './hashParts.ts'

export interface HashTaskJob {
  data: Uint8Array | ArrayBuffer
  partSize?: number
  algorithm: string
}

export interface HashTaskResult {
  digests: string[][]
  data: Array<Uint8Array | ArrayBuffer>
}

// Piscina's transfer protocol: an object naming its transferables and its value, marked by
// `move` (piscina is kept external when this file is compiled, so `move` marks it with the symbol
// the pool's worker checks).
const TRANSFERABLE = Symbol.for('Piscina.transferable')
const VALUE = Symbol.for('Piscina.valueOf')

export default function hashTask(jobs: HashTaskJob[]): unknown {
  const digests = jobs.map((job) => hashParts(job.data, job.partSize, job.algorithm))
  const data = jobs.map((job) => job.data)
  const buffers = [...new Set(data.map((d) => (d instanceof ArrayBuffer ? d : (d.buffer as ArrayBuffer))))]
  const result: HashTaskResult = { digests, data }
  return move({ [TRANSFERABLE]: buffers, [VALUE]: result } as never)
}
