// A node's `hash` requests, worked in its own thread. The simulation decides when an answer
// arrives (runtime/pool/VirtualPool.ts, from the job's size alone); the digests are computed here,
// a slice at a time between batches while the thread would otherwise wait, and whatever is left
// when the answer is delivered is finished then. Measured on the torrent swarm, a shared pool
// of threads put a hand-off to the pool and back on the path of every part, and its threads
// competed with the nodes' for the cores (docs/performance.md).
import { createHash, type Hash } from 'node:crypto'
import type { PoolJobRequest } from './protocol.ts'

/** Bytes hashed per slice of idle time: an incoming batch waits at most this long (~0.2 ms). */
const SLICE_BYTES = 1 << 18

/** What a node asks to hash: the buffer is handed over (detached for the node until answered). */
export interface HashRequest {
  id: string | number
  data: Uint8Array | ArrayBuffer
  partSize?: number
  algorithm: string
}

interface Job {
  bytes: Uint8Array
  /** What the node gave, given back with the answer (the same kind: view or buffer). */
  data: Uint8Array | ArrayBuffer
  partSize: number
  /** Hashed whole (no part size): even nothing has a digest then; in parts, nothing has none. */
  whole: boolean
  algorithm: string
  digests: string[]
  /** Bytes hashed so far, and the running hash of the part being hashed. */
  offset: number
  running: Hash | null
}

export interface HashAnswer {
  digests: string[]
  data: Uint8Array | ArrayBuffer
}

export class HashJobs {
  private readonly jobs = new Map<number, Job>()
  /** Jobs not yet fully hashed, oldest first. */
  private unfinished: Job[] = []
  /** Requests of the batch being handled, whose buffers are taken when it ends (seal). */
  private fresh: Array<{ token: number; request: HashRequest }> = []
  private tokens = 0
  /** Bytes held for hashing: no longer the node's, so its buffer limit does not count them. */
  held = 0

  /** Notes a request; its buffer is taken at the end of the batch. Returns the job for the runtime. */
  add(request: HashRequest): PoolJobRequest {
    const token = ++this.tokens
    this.fresh.push({ token, request })
    const job: PoolJobRequest = { id: request.id, token, bytes: request.data.byteLength, algorithm: request.algorithm }
    if (request.partSize !== undefined) job.partSize = request.partSize
    return job
  }

  /**
   * Takes the buffers of the batch's requests, all at once as a reply to the main thread would
   * (views of one buffer stay views of one buffer): the node's references are detached, so it
   * cannot change what is being hashed. Throws if a buffer cannot be handed over.
   */
  seal(): void {
    if (!this.fresh.length) return
    const fresh = this.fresh
    this.fresh = []
    const datas = fresh.map((f) => f.request.data)
    const buffers = [...new Set(datas.map((d) => (d instanceof ArrayBuffer ? d : (d.buffer as ArrayBuffer))))]
    const moved = structuredClone(datas, { transfer: buffers })
    for (const [i, { token, request }] of fresh.entries()) {
      const data = moved[i] as Uint8Array | ArrayBuffer
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
      const job: Job = { bytes, data, partSize: request.partSize ?? Math.max(1, bytes.length), whole: request.partSize === undefined, algorithm: request.algorithm, digests: [], offset: 0, running: null }
      this.jobs.set(token, job)
      this.unfinished.push(job)
      this.held += bytes.length
    }
  }

  /** Hashes up to one slice of the oldest unfinished job; false when nothing is left to do. */
  work(): boolean {
    while (this.unfinished.length && done(this.unfinished[0] as Job)) this.unfinished.shift()
    const job = this.unfinished[0]
    if (!job) return false
    advance(job, SLICE_BYTES)
    return true
  }

  /** The answer for `token`, finishing its hashing now if need be; null for an unknown token. */
  answer(token: number): HashAnswer | null {
    this.seal()
    const job = this.jobs.get(token)
    if (!job) return null
    this.jobs.delete(token)
    // No reference may outlive the answer: the node's buffer limit counts what is still reachable.
    const queued = this.unfinished.indexOf(job)
    if (queued >= 0) this.unfinished.splice(queued, 1)
    this.held -= job.bytes.length
    advance(job, Infinity)
    return { digests: job.digests, data: job.data }
  }
}

function done(job: Job): boolean {
  return job.offset >= job.bytes.length && !(job.whole && job.digests.length === 0)
}

/** Hashes up to `budget` more bytes of `job`, a part at a time (a part may take several calls). */
function advance(job: Job, budget: number): void {
  const { bytes, partSize } = job
  if (job.whole && bytes.length === 0 && job.digests.length === 0) job.digests.push(createHash(job.algorithm).digest('hex'))
  while (budget > 0 && job.offset < bytes.length) {
    const partEnd = Math.min(bytes.length, (Math.floor(job.offset / partSize) + 1) * partSize)
    const end = Math.min(partEnd, job.offset + budget)
    job.running ??= createHash(job.algorithm)
    job.running.update(bytes.subarray(job.offset, end))
    budget -= end - job.offset
    job.offset = end
    if (end === partEnd) {
      job.digests.push(job.running.digest('hex'))
      job.running = null
    }
  }
}
