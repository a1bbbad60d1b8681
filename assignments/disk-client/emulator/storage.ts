// Where a disk keeps its state and file bytes. The core asks for these few calls only, so it can
// hold everything in memory (the default, and what a simulated node uses) or in a directory that
// survives a restart (dirStorage.ts). Bytes are written piece by piece and read back by range:
// no caller ever needs a whole file in one buffer.

export interface BlobWriter {
  write(chunk: Uint8Array): void
  /** The bytes are complete: readBlob may now serve them. */
  commit(): void
  /** The upload failed: forget what was written. */
  discard(): void
}

export interface DiskStorage {
  /** What describes where: `in memory` or the directory. */
  readonly where: string
  /** The state saved by save(), or undefined for a new disk. */
  load(): string | undefined
  save(state: string): void
  createBlob(id: string): BlobWriter
  readBlob(id: string, offset: number, length: number): Uint8Array
  removeBlob(id: string): void
}

/** A blob kept as the list of chunks it arrived in (no copying into one big buffer). */
class ChunkList {
  readonly chunks: Uint8Array[] = []
  /** starts[i] is the offset of chunks[i]. */
  readonly starts: number[] = []
  size = 0

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.starts.push(this.size)
    this.chunks.push(chunk)
    this.size += chunk.length
  }

  read(offset: number, length: number): Uint8Array {
    const end = Math.min(offset + length, this.size)
    if (offset >= end) return new Uint8Array(0)
    let i = this.indexAt(offset)
    let from = offset - (this.starts[i] as number)
    const first = this.chunks[i] as Uint8Array
    if (from + (end - offset) <= first.length) return first.subarray(from, from + (end - offset))
    const out = new Uint8Array(end - offset)
    let filled = 0
    while (filled < out.length) {
      const chunk = this.chunks[i] as Uint8Array
      const piece = chunk.subarray(from, Math.min(chunk.length, from + out.length - filled))
      out.set(piece, filled)
      filled += piece.length
      from = 0
      i++
    }
    return out
  }

  /** The chunk holding byte `offset` (binary search). */
  private indexAt(offset: number): number {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.starts[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }
}

export class MemoryStorage implements DiskStorage {
  readonly where = 'in memory'
  private readonly blobs = new Map<string, ChunkList>()
  private state: string | undefined

  load(): string | undefined {
    return this.state
  }

  save(state: string): void {
    this.state = state
  }

  createBlob(id: string): BlobWriter {
    const list = new ChunkList()
    return {
      // The chunk is kept as given: the caller hands over a buffer it will not reuse.
      write: (chunk) => list.push(chunk),
      commit: () => void this.blobs.set(id, list),
      discard: () => void this.blobs.delete(id),
    }
  }

  readBlob(id: string, offset: number, length: number): Uint8Array {
    const list = this.blobs.get(id)
    if (!list) throw new Error(`blob ${id} is not stored`)
    return list.read(offset, length)
  }

  removeBlob(id: string): void {
    this.blobs.delete(id)
  }
}
