// What every request handler gets from the core: the disk, where links point, and the two things
// that need the core's bookkeeping (a file's download link, a new asynchronous operation).
import type { DiskState } from './DiskState.ts'
import type { Operation, PendingAction } from './Operations.ts'
import type { FileEntry } from './types.ts'

export interface Context {
  readonly disk: DiskState
  /** `http://127.0.0.1:PORT`: the start of every link the emulator writes. */
  readonly origin: string
  /** A download link for `entry` (also its resource's `file` field). */
  downloadHref(entry: FileEntry): string
  /** Starts an asynchronous operation due after the configured operation time (or at `dueAt`). */
  startOperation(action: PendingAction, dueAt?: number): Operation
}
