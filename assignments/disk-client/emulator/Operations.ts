// Asynchronous operations (docs: reference/operations). Copying, moving or deleting a non-empty
// folder answers 202 with a link to `/v1/disk/operations/<id>`; the operation stays `in-progress`
// until the injected clock passes its due time, then its action is applied and it becomes
// `success` (or `failed` if the action no longer applies, or a fault says so). Nothing here runs
// by itself: the core settles due operations whenever it is called (settle), so it needs no timer.
import { isWithin } from './paths.ts'
import type { FileEntry } from './types.ts'

export type OperationStatus = 'in-progress' | 'success' | 'failed'

/** What an operation does when it completes; plain data so it can be saved with the disk. */
export type PendingAction =
  | { kind: 'copy' | 'move'; from: string; to: string; overwrite: boolean; raw: string }
  | { kind: 'delete'; path: string; permanently: boolean }
  | { kind: 'empty-trash' }
  /** An upload link's operation: waits for the bytes; if it comes due first, the link expired. */
  | { kind: 'upload'; path: string }
  /** An upload answered 202: the stored file appears at `entry.path` when due. */
  | { kind: 'land'; entry: FileEntry; overwrite: boolean; raw: string }

export interface Operation {
  id: string
  status: OperationStatus
  action: PendingAction
  /** When it completes on the injected clock; undefined: it waits for something else (upload bytes). */
  dueAt?: number
  /** A fault said this one ends `failed`. */
  fail?: boolean
}

export class Operations {
  private readonly ops = new Map<string, Operation>()

  start(op: Operation): Operation {
    this.ops.set(op.id, op)
    return op
  }

  get(id: string): Operation | undefined {
    return this.ops.get(id)
  }

  /** In-progress operations due at `now`, oldest first (the order they were started). */
  due(now: number): Operation[] {
    return [...this.ops.values()].filter((op) => op.status === 'in-progress' && op.dueAt !== undefined && op.dueAt <= now)
  }

  /** The earliest due time still pending, for a host that wants to wake the core up then. */
  nextDueAt(): number | undefined {
    let next: number | undefined
    for (const op of this.ops.values()) if (op.status === 'in-progress' && op.dueAt !== undefined && (next === undefined || op.dueAt < next)) next = op.dueAt
    return next
  }

  /**
   * Whether a pending operation holds `path`: a folder being copied, moved or deleted is locked,
   * with everything in it and every folder above it (docs: 423 "the resource is locked").
   */
  isLocked(path: string): boolean {
    for (const op of this.ops.values()) {
      if (op.status !== 'in-progress') continue
      for (const held of lockedPaths(op.action)) if (isWithin(path, held) || isWithin(held, path)) return true
    }
    return false
  }

  all(): Operation[] {
    return [...this.ops.values()]
  }

  restore(ops: Operation[]): void {
    for (const op of ops) this.ops.set(op.id, op)
  }
}

function lockedPaths(action: PendingAction): string[] {
  switch (action.kind) {
    case 'copy':
    case 'move':
      return [action.from, action.to]
    case 'delete':
      return [action.path]
    case 'land':
      return [action.entry.path]
    default:
      return []
  }
}
