// File contents the grader can regenerate at any offset without keeping them: AES-128-CTR
// keystreams keyed from the test's seed (several GB/s, so a 1 GB run costs well under a second to
// write and to check). The reference content of a run is one stream; each node's garbage another.
import { createCipheriv, createHash } from 'node:crypto'

export const CHUNK = 4 << 20

export class Content {
  private readonly key: Buffer

  constructor(...label: Array<string | number>) {
    this.key = createHash('sha256').update(label.join('/')).digest().subarray(0, 16)
  }

  /** Bytes [offset, offset + length) of the stream. */
  read(offset: number, length: number): Buffer {
    const block = Math.floor(offset / 16)
    const skip = offset - block * 16
    const iv = Buffer.alloc(16)
    iv.writeBigUInt64BE(BigInt(block), 8)
    const cipher = createCipheriv('aes-128-ctr', this.key, iv)
    return cipher.update(Buffer.alloc(skip + length)).subarray(skip)
  }
}

/** SHA-1 (lower-case hex) of every `partSize` part of the first `size` bytes of `content`. */
export function partDigests(content: Content, size: number, partSize: number): string[] {
  const digests: string[] = []
  const perChunk = Math.max(1, Math.floor(CHUNK / partSize))
  for (let first = 0; first * partSize < size; first += perChunk) {
    const start = first * partSize
    const bytes = content.read(start, Math.min(size, (first + perChunk) * partSize) - start)
    for (let offset = 0; offset < bytes.length; offset += partSize) digests.push(createHash('sha1').update(bytes.subarray(offset, offset + partSize)).digest('hex'))
  }
  return digests
}
