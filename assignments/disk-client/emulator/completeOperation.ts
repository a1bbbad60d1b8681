// An operation comes due: its action is checked again against the disk as it is now and applied,
// or the operation ends `failed` (docs: "failed — try repeating the original request"). A fault
// can fail it on purpose; an accepted upload that cannot land gives its stored bytes back.
import type { DiskState } from './DiskState.ts'
import type { Operation } from './Operations.ts'
import { transferProblem } from './transferApi.ts'
import { land } from './uploads.ts'

export function completeOperation(disk: DiskState, op: Operation): void {
  const ok = !op.fail && apply(disk, op)
  if (!ok && op.fail && op.action.kind === 'land') disk.storage.removeBlob(op.action.entry.blob)
  op.status = ok ? 'success' : 'failed'
  disk.changed()
}

function apply(disk: DiskState, op: Operation): boolean {
  const action = op.action
  switch (action.kind) {
    case 'copy':
    case 'move':
      if (transferProblem(disk, action.kind, action.from, action.to, action.overwrite, action.raw)) return false
      disk[action.kind](action.from, action.to)
      return true
    case 'delete':
      if (!disk.tree.get(action.path)) return false
      disk.drop(action.path, action.permanently)
      return true
    case 'empty-trash':
      disk.emptyTrash()
      return true
    case 'land':
      return land(disk, action)
    case 'upload':
      // Due before any bytes landed: the link expired unused.
      return false
  }
}
