// The JSON endpoints about resources themselves: disk info, metadata and listings, mkdir, delete,
// emptying the trash, operation status. Each answers as the docs and the recorded answers say;
// the order of checks is the one the recorded errors imply (a missing resource before its kind).
import * as E from './errors.ts'
import type { Context } from './context.ts'
import { isoTime } from './ids.ts'
import { ROOT, parentOf } from './paths.ts'
import { countParam, flagParam, isApiError, pathParam } from './query.ts'
import { SORT_KEYS, pickFields, renderResource, sortEntries } from './render.ts'
import { apiError, json, link, noContent, operationHref, resourceHref } from './responses.ts'
import type { DiskResponse, Entry } from './types.ts'

/** GET /v1/disk (docs: reference/capacity; fields as recorded in yadisk test_get_disk_info.json). */
export function diskInfo(ctx: Context, query: URLSearchParams): DiskResponse {
  const { disk } = ctx
  const c = disk.config
  const info = {
    max_file_size: c.maxFileSize,
    paid_max_file_size: 53687091200,
    total_space: c.quota,
    reg_time: isoTime(c.regTime),
    trash_size: disk.trashSize,
    is_paid: false,
    used_space: disk.usedSpace,
    system_folders: { applications: 'disk:/Приложения', downloads: 'disk:/Загрузки/' },
    user: { reg_time: isoTime(c.regTime), display_name: c.login, uid: c.uid, country: 'ru', is_child: false, login: c.login },
    unlimited_autoupload_enabled: false,
    revision: disk.revision,
  }
  return json(200, pickFields(info, query.get('fields')))
}

/** GET /v1/disk/resources: a file's metadata, or a folder's with `_embedded` (limit 20, offset 0 by default). */
export function getResource(ctx: Context, query: URLSearchParams): DiskResponse {
  const target = pathParam(query, 'path')
  if (isApiError(target)) return apiError(target)
  const limit = countParam(query, 'limit', 20)
  if (isApiError(limit)) return apiError(limit)
  const offset = countParam(query, 'offset', 0)
  if (isApiError(offset)) return apiError(offset)
  const sort = query.get('sort') ?? ''
  if (sort !== '' && !(SORT_KEYS as readonly string[]).includes(sort.replace(/^-/, ''))) {
    return apiError(E.fieldValidation('sort', `Must be one of ${SORT_KEYS.join(', ')}, optionally with "-" (got "${sort}").`, 'Недопустимое значение сортировки.'))
  }
  const entry = ctx.disk.tree.get(target.path)
  if (!entry) return apiError(E.notFound())
  const fileHref = (e: Entry): string => (e.type === 'file' ? ctx.downloadHref(e) : '')
  let resource: Record<string, unknown>
  if (entry.type === 'dir') {
    const all = sortEntries(ctx.disk.tree.children(entry.path), sort)
    resource = renderResource(entry, fileHref, { items: all.slice(offset, offset + limit), sort, limit, offset, total: all.length })
  } else resource = renderResource(entry, fileHref)
  return json(200, pickFields(resource, query.get('fields')))
}

/** PUT /v1/disk/resources: mkdir, one level (the parent must exist). 201 with a Link to the folder. */
export function makeFolder(ctx: Context, query: URLSearchParams): DiskResponse {
  const target = pathParam(query, 'path')
  if (isApiError(target)) return apiError(target)
  const { tree, ops } = ctx.disk
  const existing = tree.get(target.path)
  if (existing?.type === 'dir') return apiError(E.pointsToExistentDirectory(target.raw))
  if (existing) return apiError(E.alreadyExists(target.raw))
  if (!tree.isDir(parentOf(target.path))) return apiError(E.pathDoesntExist(target.raw))
  if (ops.isLocked(target.path)) return apiError(E.locked())
  ctx.disk.makeDir(target.path)
  return json(201, pickFields(link(resourceHref(ctx.origin, target.path)), query.get('fields')))
}

/**
 * DELETE /v1/disk/resources (docs: reference/delete): a file or an empty folder goes at once (204);
 * a non-empty folder, or any resource with force_async=true, answers 202 and an operation
 * (yadisk test_mkdir_and_exists.json: empty folder 204; test_listdir_with_limits.json: 202).
 */
export function deleteResource(ctx: Context, query: URLSearchParams): DiskResponse {
  const target = pathParam(query, 'path')
  if (isApiError(target)) return apiError(target)
  const permanently = flagParam(query, 'permanently')
  if (isApiError(permanently)) return apiError(permanently)
  const forceAsync = flagParam(query, 'force_async')
  if (isApiError(forceAsync)) return apiError(forceAsync)
  if (target.path === ROOT) return apiError(E.fieldValidation('path', 'The root folder cannot be deleted.', 'Корневую папку удалить нельзя.'))
  const { tree, ops } = ctx.disk
  const entry = tree.get(target.path)
  if (!entry) return apiError(E.notFound())
  if (ops.isLocked(target.path)) return apiError(E.locked())
  if (forceAsync || (entry.type === 'dir' && !tree.isEmptyDir(entry.path))) {
    const op = ctx.startOperation({ kind: 'delete', path: target.path, permanently })
    return json(202, link(operationHref(ctx.origin, op.id)))
  }
  ctx.disk.drop(target.path, permanently)
  return noContent()
}

/** DELETE /v1/disk/trash/resources without `path`: empties the trash (docs: reference/trash-delete). */
export function emptyTrash(ctx: Context, query: URLSearchParams): DiskResponse {
  if (query.get('path')) return apiError(E.notFound())
  if (ctx.disk.trash.length === 0) return noContent()
  const op = ctx.startOperation({ kind: 'empty-trash' })
  return json(202, link(operationHref(ctx.origin, op.id)))
}

/** GET /v1/disk/operations/<id> (or ?id=): `{"status": "in-progress" | "success" | "failed"}`. */
export function operationStatus(ctx: Context, id: string, query: URLSearchParams): DiskResponse {
  const op = ctx.disk.ops.get(id)
  if (!op) return apiError(E.operationNotFound())
  return json(200, pickFields({ status: op.status }, query.get('fields')))
}
