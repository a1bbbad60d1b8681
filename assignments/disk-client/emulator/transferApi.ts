// POST /v1/disk/resources/copy and /move (docs: reference/copy, reference/move): `from`, `path`,
// `overwrite` (default false), `force_async`. A file or an empty folder is done at once: 201 and a
// Link to the new resource (yadisk test_move.json moves an empty folder: 201). A non-empty folder
// answers 202 and an operation link (test_copy.json); the work happens when the operation completes.
import * as E from './errors.ts'
import type { Context } from './context.ts'
import type { DiskState } from './DiskState.ts'
import { isWithin, parentOf } from './paths.ts'
import { flagParam, isApiError, pathParam } from './query.ts'
import { apiError, json, link, operationHref, resourceHref } from './responses.ts'
import type { DiskResponse } from './types.ts'

export type TransferKind = 'copy' | 'move'

export function transfer(kind: TransferKind, ctx: Context, query: URLSearchParams): DiskResponse {
  const from = pathParam(query, 'from')
  if (isApiError(from)) return apiError(from)
  const to = pathParam(query, 'path')
  if (isApiError(to)) return apiError(to)
  const overwrite = flagParam(query, 'overwrite')
  if (isApiError(overwrite)) return apiError(overwrite)
  const forceAsync = flagParam(query, 'force_async')
  if (isApiError(forceAsync)) return apiError(forceAsync)
  const { disk } = ctx
  const done = json(201, link(resourceHref(ctx.origin, to.path)))
  // Onto itself with overwrite: nothing to do (without overwrite it is "already exists" below).
  if (to.path === from.path && overwrite && disk.tree.get(from.path)) return done
  const problem = transferProblem(disk, kind, from.path, to.path, overwrite, to.raw)
  if (problem) return apiError(problem)
  if (disk.ops.isLocked(from.path) || disk.ops.isLocked(to.path)) return apiError(E.locked())
  const source = disk.tree.get(from.path)
  if (forceAsync || (source?.type === 'dir' && !disk.tree.isEmptyDir(from.path))) {
    const op = ctx.startOperation({ kind, from: from.path, to: to.path, overwrite, raw: to.raw })
    return json(202, link(operationHref(ctx.origin, op.id)))
  }
  disk[kind](from.path, to.path)
  return done
}

/**
 * Why `from` cannot be copied or moved to `to` now, checked again when an operation completes:
 * the source is gone (404), the target folder is missing (409 DiskPathDoesntExistsError), the
 * target exists without overwrite (409 DiskResourceAlreadyExistsError), no room for a copy (507).
 */
export function transferProblem(disk: DiskState, kind: TransferKind, from: string, to: string, overwrite: boolean, raw: string): E.ApiError | undefined {
  const { tree } = disk
  if (!tree.get(from)) return E.notFound()
  if (to !== from && isWithin(to, from)) return E.intoItself(raw)
  if (!tree.isDir(parentOf(to))) return E.pathDoesntExist(raw)
  const target = tree.get(to)
  if (target && !overwrite) return E.alreadyExists(raw)
  if (target && isWithin(from, to)) return E.containsSource(raw)
  if (kind === 'copy') {
    const needed = tree.subtreeBytes(from) - (target ? tree.subtreeBytes(to) : 0)
    if (needed > disk.freeSpace) return E.insufficientStorage()
  }
  return undefined
}
