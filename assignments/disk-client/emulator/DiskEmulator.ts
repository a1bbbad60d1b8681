// The emulator's core: one Yandex.Disk account answering the REST API subset a console client
// needs (docs/disk-emulator.md has the endpoint table and its sources). It touches no sockets,
// timers or wall clock: time comes from `now()`, ids from `random()`, bytes go to an injected
// storage. So a real HTTP server (server.ts) and a simulated node can both wrap it, and a run is
// the same given the same inputs. Work that takes time (202 operations) completes lazily: any
// call first settles the operations whose due time has passed.
import { Rng } from 'distlab/node'
import type { Context } from './context.ts'
import { completeOperation } from './completeOperation.ts'
import { DiskState, type DiskConfig } from './DiskState.ts'
import { DOWNLOAD_PREFIX, downloadHref, downloadLink, openDownload } from './downloads.ts'
import * as E from './errors.ts'
import { FaultState, type Endpoint, type FaultEffect, type FaultPlan } from './faults.ts'
import { Ids } from './ids.ts'
import type { Operation, PendingAction } from './Operations.ts'
import { splitTarget } from './query.ts'
import { diskInfo, deleteResource, emptyTrash, getResource, makeFolder, operationStatus } from './resourcesApi.ts'
import { apiError } from './responses.ts'
import { MemoryStorage, type DiskStorage } from './storage.ts'
import { transfer } from './transferApi.ts'
import { UPLOAD_PREFIX, Uploads } from './uploads.ts'
import type { DiskRequest, DiskResponse, DownloadHandle, FileEntry, UploadHandle } from './types.ts'

export interface DiskEmulatorOptions {
  /** The one OAuth token it accepts: `Authorization: OAuth <token>`. */
  token: string
  /** The clock in ms; the core never reads the wall clock itself (a server passes Date.now). */
  now: () => number
  /** Draws in [0, 1) for ids; by default a generator seeded with `seed`. */
  random?: () => number
  seed?: number
  /** Where links point: `http://127.0.0.1:PORT` (settable later with setOrigin, once a port is known). */
  origin?: string
  /** Where state and bytes live; by default in memory (see DirStorage for `--data DIR`). */
  storage?: DiskStorage
  /** total_space in bytes. */
  quota?: number
  /** max_file_size in bytes (the service's is 1 GiB on a free account, yadisk test_get_disk_info.json). */
  maxFileSize?: number
  /** How long a 202 operation stays in-progress, ms (a fault plan's slow-ops overrides it). */
  opDurationMs?: number
  /** How long an upload link stays usable, ms. */
  uploadLinkTtlMs?: number
  faults?: FaultPlan
  uid?: string
  login?: string
  /** reg_time, ms. */
  regTime?: number
}

export const DISK_EMULATOR_DEFAULTS = {
  seed: 1,
  origin: 'http://127.0.0.1',
  quota: 10 * 2 ** 30,
  maxFileSize: 2 ** 30,
  opDurationMs: 1000,
  uploadLinkTtlMs: 30 * 60_000,
  uid: '1000000001',
  login: 'student',
  regTime: Date.UTC(2024, 0, 1),
} as const

type Handler = (ctx: Context, query: URLSearchParams, pathname: string) => DiskResponse
type Found = { endpoint: Endpoint; run: Handler } | { endpoint?: undefined; error: E.ApiError }

export class DiskEmulator implements Context {
  readonly disk: DiskState
  private readonly faults: FaultState
  private readonly uploads = new Uploads()
  private originUrl: string

  constructor(options: DiskEmulatorOptions) {
    validate(options)
    const o = { ...DISK_EMULATOR_DEFAULTS, ...options }
    this.originUrl = o.origin.replace(/\/+$/, '')
    this.faults = new FaultState(o.faults)
    const random = o.random ?? ((rng: Rng) => () => rng.float())(new Rng(o.seed))
    const config: DiskConfig = {
      token: o.token,
      uid: o.uid,
      login: o.login,
      quota: o.quota,
      maxFileSize: o.maxFileSize,
      opDurationMs: this.faults.opDurationMs ?? o.opDurationMs,
      uploadLinkTtlMs: o.uploadLinkTtlMs,
      regTime: o.regTime,
    }
    this.disk = new DiskState(config, o.storage ?? new MemoryStorage(), new Ids(random), o.now)
  }

  get origin(): string {
    return this.originUrl
  }

  setOrigin(origin: string): void {
    this.originUrl = origin.replace(/\/+$/, '')
  }

  /** Which entry point a request line belongs to: the JSON API, an upload link or a download link. */
  static kindOf(pathAndQuery: string): 'api' | 'upload' | 'download' {
    if (pathAndQuery.startsWith(UPLOAD_PREFIX)) return 'upload'
    if (pathAndQuery.startsWith(DOWNLOAD_PREFIX)) return 'download'
    return 'api'
  }

  /** One request to the JSON API (`/v1/disk…`). The body is unused: no emulated endpoint takes one. */
  api(request: DiskRequest, _body = ''): DiskResponse {
    this.tick()
    const { pathname, query } = splitTarget(request.path)
    const found = findRoute(request.method, pathname)
    const effect = this.faults.onRequest(found.endpoint, pathname)
    let answer: DiskResponse
    if (effect.status !== undefined) answer = injectedAnswer(effect, false)
    else if (!this.authorized(request.headers)) answer = apiError(E.unauthorized())
    else if ('error' in found) answer = apiError(found.error)
    else answer = found.run(this, query, pathname)
    this.disk.save()
    return { ...answer, delayMs: answer.delayMs + effect.delayMs }
  }

  /** A PUT to an upload link (no token needed: the link is the permission, as the service's). */
  openUpload(pathAndQuery: string, headers: Record<string, string>): UploadHandle | DiskResponse {
    this.tick()
    const { pathname } = splitTarget(pathAndQuery)
    const effect = this.faults.onRequest('upload', pathname)
    if (effect.status !== undefined && effect.status !== 202) return { ...injectedAnswer(effect, true), delayMs: effect.delayMs }
    const opened = this.uploads.open(this, pathname.slice(UPLOAD_PREFIX.length), headers, effect)
    if (!('kind' in opened)) return { ...opened, delayMs: effect.delayMs }
    return {
      ...opened,
      finish: () => {
        const answer = opened.finish()
        this.disk.save()
        return answer
      },
    }
  }

  /** A GET to a download link (no token needed). */
  openDownload(pathAndQuery: string, headers: Record<string, string>): DownloadHandle | DiskResponse {
    this.tick()
    const { pathname } = splitTarget(pathAndQuery)
    const effect = this.faults.onRequest('download', pathname)
    if (effect.status !== undefined) return { ...injectedAnswer(effect, true), delayMs: effect.delayMs }
    const opened = openDownload(this, pathname.slice(DOWNLOAD_PREFIX.length), headers, effect)
    return 'kind' in opened ? opened : { ...opened, delayMs: effect.delayMs }
  }

  /** Completes the operations whose time has come (every call does this first; a host may too). */
  tick(): void {
    const now = this.disk.now()
    const due = this.disk.ops.due(now).sort((a, b) => (a.dueAt ?? 0) - (b.dueAt ?? 0))
    for (const op of due) completeOperation(this.disk, op)
    this.disk.save()
  }

  /** When the next pending operation comes due (for a host that wakes the core up then). */
  nextDueAt(): number | undefined {
    return this.disk.ops.nextDueAt()
  }

  /** GET /v1/disk/resources/upload (the handler lives with the upload sessions it creates). */
  uploadLink(query: URLSearchParams): DiskResponse {
    return this.uploads.link(this, query)
  }

  downloadHref(entry: FileEntry): string {
    return downloadHref(this.originUrl, this.disk.config.uid, entry)
  }

  startOperation(action: PendingAction, dueAt?: number): Operation {
    const counted = action.kind === 'copy' || action.kind === 'move' || action.kind === 'delete' || action.kind === 'empty-trash'
    const fail = counted && this.faults.onOperation()
    const op = this.disk.ops.start({
      id: this.disk.ids.operation(),
      status: 'in-progress',
      action,
      dueAt: dueAt ?? this.disk.now() + this.disk.config.opDurationMs,
      ...(fail ? { fail } : {}),
    })
    this.disk.changed()
    return op
  }

  /** `Authorization: OAuth <token>` (docs: concepts/quickstart); any other form is a 401. */
  private authorized(headers: Record<string, string>): boolean {
    const m = /^OAuth\s+(\S+)\s*$/i.exec(headers.authorization ?? '')
    return m !== null && m[1] === this.disk.config.token
  }
}

/** The routing table: path → method → endpoint. */
function findRoute(method: string, rawPathname: string): Found {
  const pathname = rawPathname.length > 1 ? rawPathname.replace(/\/+$/, '') : rawPathname
  const methods = (table: Partial<Record<string, [Endpoint, Handler]>>): Found => {
    const hit = table[method]
    return hit ? { endpoint: hit[0], run: hit[1] } : { error: E.methodNotAllowed(method, Object.keys(table).join(', ')) }
  }
  switch (pathname) {
    case '/v1/disk':
      return methods({ GET: ['info', diskInfo] })
    case '/v1/disk/resources':
      return methods({ GET: ['meta', getResource], PUT: ['mkdir', makeFolder], DELETE: ['delete', deleteResource] })
    case '/v1/disk/resources/copy':
      return methods({ POST: ['copy', (ctx, q) => transfer('copy', ctx, q)] })
    case '/v1/disk/resources/move':
      return methods({ POST: ['move', (ctx, q) => transfer('move', ctx, q)] })
    case '/v1/disk/resources/upload':
      return methods({ GET: ['upload-link', (ctx, q) => (ctx as DiskEmulator).uploadLink(q)] })
    case '/v1/disk/resources/download':
      return methods({ GET: ['download-link', downloadLink] })
    case '/v1/disk/trash/resources':
      return methods({ DELETE: ['trash', emptyTrash] })
    case '/v1/disk/operations':
      return methods({ GET: ['operation', (ctx, q) => operationStatus(ctx, q.get('id') ?? '', q)] })
  }
  if (pathname.startsWith('/v1/disk/operations/')) {
    return methods({ GET: ['operation', (ctx, q, p) => operationStatus(ctx, p.slice('/v1/disk/operations/'.length).replace(/\/+$/, ''), q)] })
  }
  return { error: E.noSuchEndpoint(method, pathname) }
}

/** The answer a fault asks for: the JSON triple, or the download/upload host's nginx page for a 5xx. */
function injectedAnswer(effect: FaultEffect, byteHost: boolean): DiskResponse {
  const status = effect.status as number
  const headers: Record<string, string> = effect.retryAfterS === undefined ? {} : { 'retry-after': String(effect.retryAfterS) }
  if (byteHost && status >= 500) return { status, headers: { 'content-type': 'text/html', ...headers }, body: E.nginxPage(status), delayMs: 0 }
  return apiError(E.injected(status), headers)
}

function validate(o: DiskEmulatorOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError('DiskEmulator needs options: { token, now, ... }')
  if (typeof o.token !== 'string' || !/^\S+$/.test(o.token)) throw new TypeError('options.token must be a non-empty string without spaces')
  if (typeof o.now !== 'function') throw new TypeError('options.now must be a function returning the time in ms (the core never reads the wall clock)')
  if (o.random !== undefined && typeof o.random !== 'function') throw new TypeError('options.random must be a function returning numbers in [0, 1)')
  for (const key of ['quota', 'maxFileSize', 'opDurationMs', 'uploadLinkTtlMs', 'seed'] as const) {
    const v = o[key]
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new TypeError(`options.${key} must be a non-negative integer (got ${String(v)})`)
  }
}
