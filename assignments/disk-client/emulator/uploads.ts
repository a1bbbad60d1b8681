// Uploading (docs: reference/upload): GET /v1/disk/resources/upload gives a one-time link and an
// operation id (yadisk test_get_upload_link_object.json: `operation_id`, `href`, `method: PUT`,
// `templated`); the bytes go to that link with PUT, where the uploader answers as the official
// Java SDK expects (RestClientIO.uploadFile): 201 Created, 202 Accepted (stored, lands later), 409
// (target taken meanwhile), 412, 413 (bigger than max_file_size), 507 (no room; checked when the
// upload starts and when it ends, docs: WebDAV reference/put). The link's operation reads
// `in-progress` until the bytes land, then `success` (recorded in the same yadisk file).
// md5 and sha256 are computed while the bytes stream through; nothing holds the whole file.
import { createHash } from 'node:crypto'
import * as E from './errors.ts'
import type { Context } from './context.ts'
import type { DiskState } from './DiskState.ts'
import type { FaultEffect } from './faults.ts'
import { parentOf } from './paths.ts'
import { flagParam, isApiError, pathParam } from './query.ts'
import { pickFields } from './render.ts'
import { apiError, json } from './responses.ts'
import type { DiskResponse, FileEntry, UploadHandle } from './types.ts'

export const UPLOAD_PREFIX = '/upload-target/'

interface Session {
  path: string
  raw: string
  overwrite: boolean
  opId: string
  expiresAt: number
  state: 'idle' | 'busy' | 'done'
}

/** Why a file cannot be put at `path` (on asking for the link, and again when it lands). */
export function landingProblem(disk: DiskState, path: string, overwrite: boolean, raw: string): E.ApiError | undefined {
  if (!disk.tree.isDir(parentOf(path))) return E.pathDoesntExist(raw)
  const existing = disk.tree.get(path)
  if (existing?.type === 'dir') return E.pointsToExistentDirectory(raw)
  if (existing && !overwrite) return E.alreadyExists(raw)
  return undefined
}

/** Bytes a new file at `path` may take: the free space plus what the file it replaces frees. */
function allowance(disk: DiskState, path: string): number {
  const existing = disk.tree.get(path)
  return disk.freeSpace + (existing?.type === 'file' ? existing.size : 0)
}

const empty = (status: number): DiskResponse => ({ status, headers: {}, body: '', delayMs: 0 })

export class Uploads {
  private readonly sessions = new Map<string, Session>()

  /** GET /v1/disk/resources/upload?path=…&overwrite=… */
  link(ctx: Context, query: URLSearchParams): DiskResponse {
    const target = pathParam(query, 'path')
    if (isApiError(target)) return apiError(target)
    const overwrite = flagParam(query, 'overwrite')
    if (isApiError(overwrite)) return apiError(overwrite)
    const { disk } = ctx
    const problem = landingProblem(disk, target.path, overwrite, target.raw)
    if (problem) return apiError(problem)
    if (disk.ops.isLocked(target.path)) return apiError(E.locked())
    if (allowance(disk, target.path) <= 0) return apiError(E.insufficientStorage())
    const now = disk.now()
    const id = disk.ids.uploadTarget(now)
    const expiresAt = now + disk.config.uploadLinkTtlMs
    // If no bytes land before the link expires, the operation ends `failed`.
    const op = ctx.startOperation({ kind: 'upload', path: target.path }, expiresAt)
    this.sessions.set(id, { path: target.path, raw: target.raw, overwrite, opId: op.id, expiresAt, state: 'idle' })
    const body = { operation_id: op.id, href: `${ctx.origin}${UPLOAD_PREFIX}${id}`, method: 'PUT', templated: false }
    return json(200, pickFields(body, query.get('fields')))
  }

  /** PUT to an upload link: a handle the bytes stream into, or the answer refusing them. */
  open(ctx: Context, id: string, headers: Record<string, string>, effect: FaultEffect): UploadHandle | DiskResponse {
    const { disk } = ctx
    const session = this.sessions.get(id)
    if (!session) return apiError(E.notFound())
    if (session.state === 'done' || disk.now() > session.expiresAt) return apiError(E.gone())
    if (session.state === 'busy') return apiError(E.locked())
    if (headers['content-range'] !== undefined) return apiError(E.preconditionFailed())
    const room = allowance(disk, session.path)
    const declared = headers['content-length'] === undefined ? undefined : Number(headers['content-length'])
    if (declared !== undefined && declared > disk.config.maxFileSize) return apiError(E.payloadTooLarge())
    if (declared !== undefined && declared > room) return apiError(E.insufficientStorage())
    return this.stream(ctx, session, room, effect)
  }

  private stream(ctx: Context, session: Session, room: number, effect: FaultEffect): UploadHandle {
    const { disk } = ctx
    const blob = disk.ids.blob()
    const writer = disk.storage.createBlob(blob)
    const md5 = createHash('md5')
    const sha256 = createHash('sha256')
    let size = 0
    let refused: DiskResponse | undefined
    let closed = false
    session.state = 'busy'
    const release = (): void => {
      closed = true
      if (session.state === 'busy') session.state = 'idle'
    }
    const refuse = (e: E.ApiError): DiskResponse => {
      writer.discard()
      release()
      return (refused = apiError(e))
    }
    return {
      kind: 'upload',
      delayMs: effect.delayMs,
      ...(effect.resetAfterBytes === undefined ? {} : { resetAfterBytes: effect.resetAfterBytes }),
      write: (chunk) => {
        if (refused || closed) return refused
        size += chunk.length
        if (size > disk.config.maxFileSize) return refuse(E.payloadTooLarge())
        if (size > room) return refuse(E.insufficientStorage())
        md5.update(chunk)
        sha256.update(chunk)
        writer.write(chunk)
        return undefined
      },
      finish: () => {
        if (refused || closed) return refused ?? apiError(E.gone())
        writer.commit()
        const entry = disk.fileEntry(session.path, blob, size, md5.digest('hex'), sha256.digest('hex'))
        const op = disk.ops.get(session.opId)
        if (effect.status === 202 && op) {
          closed = true
          session.state = 'done'
          op.action = { kind: 'land', entry, overwrite: session.overwrite, raw: session.raw }
          op.dueAt = disk.now() + disk.config.opDurationMs
          disk.changed()
          return empty(202)
        }
        const problem = this.landNow(disk, entry, session)
        if (problem) {
          disk.storage.removeBlob(blob)
          release()
          return apiError(problem)
        }
        closed = true
        session.state = 'done'
        if (op) op.status = 'success'
        return empty(201)
      },
      abort: () => {
        if (closed) return
        writer.discard()
        release()
      },
    }
  }

  private landNow(disk: DiskState, entry: FileEntry, session: Session): E.ApiError | undefined {
    const problem = landingProblem(disk, entry.path, session.overwrite, session.raw)
    if (problem) return problem
    if (disk.ops.isLocked(entry.path)) return E.locked()
    if (entry.size > allowance(disk, entry.path)) return E.insufficientStorage()
    disk.placeFile(entry)
    return undefined
  }
}

/** Completes a 202-accepted upload when its operation comes due; false if it can no longer land. */
export function land(disk: DiskState, action: { entry: FileEntry; overwrite: boolean; raw: string }): boolean {
  const { entry } = action
  const problem = landingProblem(disk, entry.path, action.overwrite, action.raw) ?? (entry.size > allowance(disk, entry.path) ? E.insufficientStorage() : undefined)
  if (problem) {
    disk.storage.removeBlob(entry.blob)
    return false
  }
  disk.placeFile({ ...entry, modified: disk.now(), revision: disk.nextRevision() })
  return true
}
