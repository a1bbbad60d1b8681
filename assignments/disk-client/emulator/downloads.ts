// Downloading (docs: reference/content): GET /v1/disk/resources/download answers a Link whose href
// is on the download host; a GET there streams the bytes with the file's content-type and length
// (yadisk test_upload_and_download.json). Like the service's links it needs no token: it names
// the file and its revision, so it stops working (410) once the file changes. A single `Range`
// is honoured with 206 (the official Java SDK resumes downloads with `Range: bytes=N-` and
// expects 206 or 416: yandex-disk-restapi-java RestClientIO.downloadUrl).
import * as E from './errors.ts'
import type { Context } from './context.ts'
import type { FaultEffect } from './faults.ts'
import { nameOf } from './paths.ts'
import { isApiError, pathParam } from './query.ts'
import { pickFields } from './render.ts'
import { apiError, json, link } from './responses.ts'
import type { DiskResponse, DownloadHandle, FileEntry } from './types.ts'

export const DOWNLOAD_PREFIX = '/downloader/disk/'

/** The download host's URL for `entry`; its query mirrors the recorded one's readable parts. */
export function downloadHref(origin: string, uid: string, entry: FileEntry): string {
  const token = Buffer.from(JSON.stringify([entry.path, entry.revision])).toString('base64url')
  const query = new URLSearchParams({
    uid,
    filename: nameOf(entry.path),
    disposition: 'attachment',
    content_type: entry.mimeType,
    fsize: String(entry.size),
    media_type: entry.mediaType,
    etag: entry.md5,
  })
  return `${origin}${DOWNLOAD_PREFIX}${token}?${query.toString()}`
}

/** GET /v1/disk/resources/download?path=… */
export function downloadLink(ctx: Context, query: URLSearchParams): DiskResponse {
  const target = pathParam(query, 'path')
  if (isApiError(target)) return apiError(target)
  const entry = ctx.disk.tree.get(target.path)
  if (!entry) return apiError(E.notFound())
  if (entry.type === 'dir') {
    return apiError(E.fieldValidation('path', 'Downloading a folder (as a zip archive) is not emulated; download its files one by one.', 'Скачивание папки архивом не эмулируется.'))
  }
  return json(200, pickFields(link(ctx.downloadHref(entry)), query.get('fields')))
}

/** GET on a download link: a handle to stream from, or the answer refusing it. */
export function openDownload(ctx: Context, token: string, headers: Record<string, string>, effect: FaultEffect): DownloadHandle | DiskResponse {
  let named: unknown
  try {
    named = JSON.parse(Buffer.from(token, 'base64url').toString())
  } catch {
    return apiError(E.notFound())
  }
  if (!Array.isArray(named) || typeof named[0] !== 'string' || typeof named[1] !== 'number') return apiError(E.notFound())
  const entry = ctx.disk.tree.get(named[0])
  if (entry?.type !== 'file') return apiError(E.notFound())
  if (entry.revision !== named[1]) return apiError(E.gone())
  const range = parseRange(headers.range, entry.size)
  if (range === 'unsatisfiable') return apiError(E.rangeNotSatisfiable(), { 'content-range': `bytes */${entry.size}` })
  const start = range?.start ?? 0
  const length = range ? range.end - range.start + 1 : entry.size
  const head: Record<string, string> = {
    'content-type': entry.mimeType,
    'content-length': String(length),
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(nameOf(entry.path))}`,
    'accept-ranges': 'bytes',
    etag: `"${entry.md5}"`,
  }
  if (range) head['content-range'] = `bytes ${range.start}-${range.end}/${entry.size}`
  const { storage } = ctx.disk
  return {
    kind: 'download',
    status: range ? 206 : 200,
    headers: head,
    length,
    delayMs: effect.delayMs,
    ...(effect.resetAfterBytes === undefined ? {} : { resetAfterBytes: effect.resetAfterBytes }),
    read: (offset, n) => storage.readBlob(entry.blob, start + offset, Math.max(0, Math.min(n, length - offset))),
  }
}

/**
 * One `bytes=a-b`, `bytes=a-` or `bytes=-n` range (RFC 9110 §14.1.2); anything else (several
 * ranges, another unit) is ignored and the whole file is sent, as the RFC allows.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  if (m[2] !== '' && Number(m[2]) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) }
}
