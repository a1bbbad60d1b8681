// The client's side of a transfer: its own directory is its local file system. An upload reads
// the local file a piece at a time; a download writes pieces to a hidden `.NAME.part` file,
// hashing as they come, and only a complete file whose checksums match the service's takes the
// name asked for, so a failed download never leaves a partial file under that name.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs'
import { createHash, type Hash } from 'node:crypto'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

/** The file `name` in `dir`, or null if the name leads outside it. */
export function localPath(dir: string, name: string): string | null {
  const full = resolve(dir, name)
  const rel = relative(resolve(dir), full)
  return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? null : full
}

export function exists(path: string): boolean {
  return existsSync(path)
}

export class LocalReader {
  private constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** Opens a regular file for reading, or says why it cannot. */
  static open(path: string): LocalReader | string {
    let fd: number
    try {
      fd = openSync(path, constants.O_RDONLY)
    } catch {
      return 'no such local file'
    }
    const stat = fstatSync(fd)
    if (!stat.isFile()) {
      closeSync(fd)
      return 'not a regular file'
    }
    return new LocalReader(fd, stat.size)
  }

  read(offset: number, length: number): Uint8Array {
    const bytes = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)))
    let done = 0
    while (done < bytes.length) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, offset + done)
      if (n === 0) break
      done += n
    }
    return bytes.subarray(0, done)
  }

  close(): void {
    closeSync(this.fd)
  }
}

export class PartWriter {
  readonly md5: Hash = createHash('md5')
  readonly sha256: Hash = createHash('sha256')
  written = 0
  private fd: number | null

  private constructor(
    readonly part: string,
    readonly target: string,
  ) {
    this.fd = openSync(part, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644)
  }

  /** A `.NAME.part` beside `target`, empty. */
  static create(target: string): PartWriter {
    return new PartWriter(join(dirname(target), `.${basename(target)}.part`), target)
  }

  write(data: Uint8Array): void {
    if (this.fd === null) return
    let done = 0
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, this.written + done)
    this.written += data.length
    this.md5.update(data)
    this.sha256.update(data)
  }

  /** Gives the finished file its name when it is what the service promised; else removes it and says why. */
  finish(expected: { size: number; md5: string; sha256: string }): string | null {
    this.close()
    const md5 = this.md5.digest('hex')
    const sha256 = this.sha256.digest('hex')
    if (this.written !== expected.size) return this.discard(`${this.written} bytes arrived, the Disk says ${expected.size}`)
    if (expected.md5 && md5 !== expected.md5) return this.discard(`md5 ${md5}, the Disk says ${expected.md5}`)
    if (expected.sha256 && sha256 !== expected.sha256) return this.discard(`sha256 ${sha256}, the Disk says ${expected.sha256}`)
    renameSync(this.part, this.target)
    return null
  }

  /** Removes the partial file; returns `why`. */
  discard(why: string): string {
    this.close()
    rmSync(this.part, { force: true })
    return why
  }

  private close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}
