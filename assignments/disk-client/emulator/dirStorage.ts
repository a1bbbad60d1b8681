// `--data DIR`: the disk kept in a directory so a session survives a restart. `state.json` holds
// the folders, files' metadata, trash and pending operations (replaced atomically on each change);
// `blobs/<id>` holds each file's bytes, written as they arrive (`<id>.part` until complete).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { BlobWriter, DiskStorage } from './storage.ts'

export class DirStorage implements DiskStorage {
  private readonly blobs: string
  private readonly stateFile: string

  constructor(readonly dir: string) {
    this.blobs = join(dir, 'blobs')
    this.stateFile = join(dir, 'state.json')
    mkdirSync(this.blobs, { recursive: true })
    // An upload cut by a crash never completed: its partial bytes are not part of the disk.
    for (const name of readdirSync(this.blobs)) if (name.endsWith('.part')) rmSync(join(this.blobs, name), { force: true })
  }

  get where(): string {
    return `in ${this.dir}`
  }

  load(): string | undefined {
    return existsSync(this.stateFile) ? readFileSync(this.stateFile, 'utf8') : undefined
  }

  save(state: string): void {
    const tmp = `${this.stateFile}.tmp`
    writeFileSync(tmp, state)
    renameSync(tmp, this.stateFile)
  }

  createBlob(id: string): BlobWriter {
    const part = join(this.blobs, `${id}.part`)
    const fd = openSync(part, 'w')
    let open = true
    const close = (): void => {
      if (open) closeSync(fd)
      open = false
    }
    return {
      write: (chunk) => {
        let done = 0
        while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done)
      },
      commit: () => {
        close()
        renameSync(part, join(this.blobs, id))
      },
      discard: () => {
        close()
        rmSync(part, { force: true })
      },
    }
  }

  readBlob(id: string, offset: number, length: number): Uint8Array {
    const fd = openSync(join(this.blobs, id), 'r')
    try {
      const out = new Uint8Array(length)
      let filled = 0
      while (filled < length) {
        const n = readSync(fd, out, filled, length - filled, offset + filled)
        if (n === 0) break
        filled += n
      }
      return filled === length ? out : out.subarray(0, filled)
    } finally {
      closeSync(fd)
    }
  }

  removeBlob(id: string): void {
    rmSync(join(this.blobs, id), { force: true })
  }
}
