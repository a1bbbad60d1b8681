// One disk's state and the changes the API makes to it: folders, files, trash, operations, the
// space they use. Checks (does the parent exist, is there room) are the handlers'; this applies.
// Copies share their bytes (a blob never changes once written); a blob is dropped when no file
// in the tree or the trash refers to it any more.
import { Ids } from './ids.ts'
import { guessType } from './mime.ts'
import { Operations, type Operation } from './Operations.ts'
import { DiskTree } from './DiskTree.ts'
import { ROOT, nameOf, rebase } from './paths.ts'
import type { DiskStorage } from './storage.ts'
import type { DirEntry, Entry, FileEntry } from './types.ts'

export interface DiskConfig {
  token: string
  uid: string
  login: string
  /** total_space, bytes. */
  quota: number
  /** max_file_size, bytes: a bigger upload is refused with 413. */
  maxFileSize: number
  opDurationMs: number
  uploadLinkTtlMs: number
  /** When the account was made (reg_time, the root's created), ms. */
  regTime: number
}

/** Deleted resources, kept with their bytes: trash counts in used_space (docs: reference/delete). */
export interface TrashItem {
  id: string
  deleted: number
  originPath: string
  entries: Entry[]
  size: number
}

interface Saved {
  version: 1
  revision: number
  entries: Entry[]
  trash: TrashItem[]
  operations: Operation[]
}

export class DiskState {
  readonly tree: DiskTree
  readonly ops = new Operations()
  trash: TrashItem[] = []
  private revisionSeen = 0
  /** Something changed since the last save. */
  dirty = false

  constructor(
    readonly config: DiskConfig,
    readonly storage: DiskStorage,
    readonly ids: Ids,
    readonly now: () => number,
  ) {
    this.tree = new DiskTree({ type: 'dir', path: ROOT, created: config.regTime, modified: config.regTime, resourceId: `${config.uid}:disk`, revision: 0 })
    this.restore()
  }

  /** A revision number: microseconds of the clock, strictly increasing (as the service's look). */
  nextRevision(): number {
    this.revisionSeen = Math.max(this.revisionSeen + 1, Math.floor(this.now()) * 1000)
    return this.revisionSeen
  }

  get revision(): number {
    return this.revisionSeen
  }

  get trashSize(): number {
    return this.trash.reduce((sum, t) => sum + t.size, 0)
  }

  get usedSpace(): number {
    return this.tree.fileBytes + this.trashSize
  }

  get freeSpace(): number {
    return Math.max(0, this.config.quota - this.usedSpace)
  }

  makeDir(path: string): DirEntry {
    const now = this.now()
    const dir: DirEntry = { type: 'dir', path, created: now, modified: now, resourceId: this.ids.resource(this.config.uid), revision: this.nextRevision() }
    this.tree.put(dir)
    this.changed()
    return dir
  }

  /** A file entry for bytes already stored as `blob` (not yet in the tree). */
  fileEntry(path: string, blob: string, size: number, md5: string, sha256: string): FileEntry {
    const now = this.now()
    return { type: 'file', path, created: now, modified: now, resourceId: this.ids.resource(this.config.uid), revision: this.nextRevision(), size, md5, sha256, blob, ...guessType(nameOf(path)) }
  }

  /** Puts a finished file at its path, replacing what was there. */
  placeFile(entry: FileEntry): void {
    const old = this.tree.get(entry.path)
    if (old) this.drop(entry.path, true)
    this.tree.put(entry)
    this.changed()
  }

  /** Deletes `path`: into the trash, or for good (its bytes freed). */
  drop(path: string, permanently: boolean): void {
    const gone = this.tree.remove(path)
    if (permanently) this.collect(gone)
    else {
      const size = gone.reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0)
      this.trash.push({ id: this.ids.hex(40), deleted: this.now(), originPath: path, entries: gone, size })
    }
    this.changed()
  }

  emptyTrash(): void {
    const gone = this.trash.flatMap((t) => t.entries)
    this.trash = []
    this.collect(gone)
    this.changed()
  }

  /** Copies `from`'s subtree to `to` (replacing what is there): new ids and times, shared bytes. */
  copy(from: string, to: string): void {
    const items = this.tree.subtree(from)
    if (this.tree.get(to)) this.drop(to, true)
    const now = this.now()
    for (const e of items) {
      this.tree.put({ ...e, path: rebase(e.path, from, to), created: now, modified: now, resourceId: this.ids.resource(this.config.uid), revision: this.nextRevision() })
    }
    this.changed()
  }

  /** Moves `from`'s subtree to `to` (replacing what is there): the same resources, new paths. */
  move(from: string, to: string): void {
    const items = this.tree.subtree(from)
    if (this.tree.get(to)) this.drop(to, true)
    this.tree.remove(from)
    for (const e of items) this.tree.put({ ...e, path: rebase(e.path, from, to), revision: this.nextRevision() })
    this.changed()
  }

  /** Forgets the blobs of `gone` files that nothing else refers to. */
  private collect(gone: Entry[]): void {
    const candidates = new Set(gone.flatMap((e) => (e.type === 'file' ? [e.blob] : [])))
    if (candidates.size === 0) return
    for (const f of this.tree.files()) candidates.delete(f.blob)
    for (const t of this.trash) for (const e of t.entries) if (e.type === 'file') candidates.delete(e.blob)
    for (const blob of candidates) this.storage.removeBlob(blob)
  }

  /** Marks the disk changed so the next save() writes it. */
  changed(): void {
    this.dirty = true
  }

  save(): void {
    if (!this.dirty) return
    const saved: Saved = { version: 1, revision: this.revisionSeen, entries: this.tree.all().slice(1), trash: this.trash, operations: this.ops.all() }
    this.storage.save(JSON.stringify(saved))
    this.dirty = false
  }

  private restore(): void {
    const text = this.storage.load()
    if (text === undefined) return
    const saved = JSON.parse(text) as Saved
    if (saved.version !== 1) throw new Error(`the saved disk (${this.storage.where}) has version ${String(saved.version)}; this emulator reads version 1`)
    for (const e of saved.entries) this.tree.put(e)
    this.trash = saved.trash
    this.ops.restore(saved.operations)
    this.revisionSeen = saved.revision
  }
}
