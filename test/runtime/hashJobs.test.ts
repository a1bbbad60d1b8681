// The node-side half of `hash`: jobs hashed in slices between batches or all at once when
// answered give the same digests as hashing the parts directly, and the node's buffer is taken.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { HashJobs } from '../../runtime/host/HashJobs.ts'

const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex')
const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff)
const partsOf = (bytes: Uint8Array, size: number): string[] => {
  const out: string[] = []
  for (let o = 0; o < bytes.length; o += size) out.push(sha1(bytes.subarray(o, o + size)))
  return out
}

test('hashed in idle slices or at the answer, a job gives the digests of its parts', () => {
  // 3 MiB in 1.5 MiB parts: a part spans slices, so the running hash is carried between them.
  const bytes = pattern(3 << 20)
  const expected = partsOf(bytes, 3 << 19)
  for (const slices of [0, 1, 2, 10]) {
    const jobs = new HashJobs()
    const job = jobs.add({ id: 'x', data: bytes.slice(), partSize: 3 << 19, algorithm: 'sha1' })
    jobs.seal()
    for (let i = 0; i < slices; i++) jobs.work()
    const answer = jobs.answer(job.token)
    assert.equal(answer?.digests, expected, `after ${slices} idle slices`)
    assert.equal(answer?.data, bytes)
    assert.is(jobs.held, 0)
  }
})

test('whole or in parts, and the empty cases: one digest of nothing whole, none in parts', () => {
  const jobs = new HashJobs()
  const whole = jobs.add({ id: 1, data: pattern(1000).buffer as ArrayBuffer, algorithm: 'sha256' })
  const emptyWhole = jobs.add({ id: 2, data: new Uint8Array(0), algorithm: 'sha1' })
  const emptyParts = jobs.add({ id: 3, data: new Uint8Array(0), partSize: 16, algorithm: 'sha1' })
  jobs.seal()
  while (jobs.work());
  assert.equal(jobs.answer(whole.token)?.digests, [createHash('sha256').update(pattern(1000)).digest('hex')])
  assert.equal(jobs.answer(emptyWhole.token)?.digests, [sha1(new Uint8Array(0))])
  assert.equal(jobs.answer(emptyParts.token)?.digests, [])
  assert.is(jobs.answer(whole.token), null, 'an answer is given once')
  assert.is(jobs.answer(99), null, 'an unknown token has none')
})

test("the node's buffer is taken at the end of its batch: views of one buffer stay views of it", () => {
  const jobs = new HashJobs()
  const buffer = pattern(300).buffer as ArrayBuffer
  const first = new Uint8Array(buffer, 0, 100)
  const second = new Uint8Array(buffer, 100, 200)
  const a = jobs.add({ id: 'a', data: first, algorithm: 'sha1' })
  const b = jobs.add({ id: 'b', data: second, algorithm: 'sha1' })
  assert.is(a.bytes, 100)
  assert.is(jobs.held, 0, 'nothing is taken before the batch ends')
  jobs.seal()
  assert.is(buffer.byteLength, 0, "the node's buffer is detached: it cannot change what is hashed")
  assert.is(jobs.held, 300)
  const answerA = jobs.answer(a.token)
  const answerB = jobs.answer(b.token)
  assert.equal(answerA?.digests, [sha1(pattern(300).subarray(0, 100))])
  assert.equal(answerB?.digests, [sha1(pattern(300).subarray(100, 300))])
  assert.is((answerA?.data as Uint8Array).buffer, (answerB?.data as Uint8Array).buffer, 'the two views share their new buffer')
})

test.run()
