import { createHash } from 'node:crypto'

/** Hex digests of `data` as one piece, or of its consecutive `partSize`-byte parts (the last may be shorter). */
export function hashParts(data: Uint8Array | ArrayBuffer, partSize: number | undefined, algorithm: string): string[] {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  if (partSize === undefined) return [createHash(algorithm).update(bytes).digest('hex')]
  const digests: string[] = []
  for (let offset = 0; offset < bytes.length; offset += partSize) {
    digests.push(createHash(algorithm).update(bytes.subarray(offset, Math.min(bytes.length, offset + partSize))).digest('hex'))
  }
  return digests
}
