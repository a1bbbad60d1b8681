// What a node holds in memory: every key of every db with the stamp of the write that set it. It
// is rebuilt from the log at start, so memory and disk always hold the same writes.
import type { Stamp } from 'distlab/protocol/http-store'
import { newer } from './stamps.ts'

export interface Held {
  value: unknown
  stamp: Stamp
}

export class Data {
  private readonly dbs = new Map<string, Map<string, Held>>()

  get(db: string, key: string): Held | undefined {
    return this.dbs.get(db)?.get(key)
  }

  /** Keeps the write if it is newer than what is held (last writer wins); says whether it was kept. */
  apply(db: string, key: string, held: Held): boolean {
    const current = this.get(db, key)
    if (current && !newer(held.stamp, current.stamp)) return false
    this.put(db, key, held)
    return true
  }

  /** Holds this write, whatever was held before. */
  put(db: string, key: string, held: Held): void {
    const table = this.dbs.get(db) ?? this.dbs.set(db, new Map()).get(db)
    table?.set(key, held)
  }

  get size(): number {
    let n = 0
    for (const table of this.dbs.values()) n += table.size
    return n
  }
}
