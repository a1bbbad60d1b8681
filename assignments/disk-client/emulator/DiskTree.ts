// The folders and files of one disk: entries by normalised path, each folder's children indexed so
// a listing does not scan the disk. It knows structure only; who may change what is decided above.
import { ROOT, parentOf } from './paths.ts'
import type { DirEntry, Entry, FileEntry } from './types.ts'

export class DiskTree {
  private readonly entries = new Map<string, Entry>()
  private readonly kids = new Map<string, Set<string>>()
  /** Bytes of all files in the tree (trash not included). */
  private bytes = 0

  constructor(root: DirEntry) {
    this.entries.set(ROOT, root)
    this.kids.set(ROOT, new Set())
  }

  get(path: string): Entry | undefined {
    return this.entries.get(path)
  }

  isDir(path: string): boolean {
    return this.entries.get(path)?.type === 'dir'
  }

  get fileBytes(): number {
    return this.bytes
  }

  children(path: string): Entry[] {
    return [...(this.kids.get(path) ?? [])].map((p) => this.entries.get(p) as Entry)
  }

  isEmptyDir(path: string): boolean {
    return (this.kids.get(path)?.size ?? 0) === 0
  }

  /** Adds or replaces one entry; its parent must be a folder already. */
  put(entry: Entry): void {
    const parent = parentOf(entry.path)
    const siblings = this.kids.get(parent)
    if (!siblings) throw new Error(`DiskTree.put: ${parent} is not a folder`)
    const old = this.entries.get(entry.path)
    if (old?.type === 'file') this.bytes -= old.size
    this.entries.set(entry.path, entry)
    siblings.add(entry.path)
    if (entry.type === 'dir') {
      if (!this.kids.has(entry.path)) this.kids.set(entry.path, new Set())
    } else this.bytes += entry.size
  }

  /** `path` and everything under it, parents before children. */
  subtree(path: string): Entry[] {
    const out: Entry[] = []
    const walk = (p: string): void => {
      const e = this.entries.get(p)
      if (!e) return
      out.push(e)
      for (const child of this.kids.get(p) ?? []) walk(child)
    }
    walk(path)
    return out
  }

  subtreeBytes(path: string): number {
    return this.subtree(path).reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0)
  }

  /** Takes `path` and everything under it out of the tree; returns what was removed. */
  remove(path: string): Entry[] {
    if (path === ROOT) throw new Error('DiskTree.remove: the root stays')
    const gone = this.subtree(path)
    for (const e of gone) {
      this.entries.delete(e.path)
      this.kids.delete(e.path)
      if (e.type === 'file') this.bytes -= e.size
    }
    this.kids.get(parentOf(path))?.delete(path)
    return gone
  }

  /** Every entry, parents before children (for saving, and to find which blobs are in use). */
  all(): Entry[] {
    return this.subtree(ROOT)
  }

  files(): FileEntry[] {
    return [...this.entries.values()].filter((e): e is FileEntry => e.type === 'file')
  }
}
