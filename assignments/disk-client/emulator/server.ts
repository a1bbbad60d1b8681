// The emulator as a real HTTP/1.1 server on loopback: the JSON API, the upload links and the
// download links on one port. This adapter owns what the core leaves out: sockets, waiting the
// latency a fault asks for, streaming bytes in and out with backpressure, and cutting a
// connection mid-body when the fault plan says "reset after N bytes".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { DiskEmulator, type DiskEmulatorOptions } from './DiskEmulator.ts'
import { DirStorage } from './dirStorage.ts'
import type { FaultPlan } from './faults.ts'
import { parseFaults } from './faultSpec.ts'
import type { DiskResponse, DownloadHandle, UploadHandle } from './types.ts'

export interface DiskEmulatorServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** A loopback address; the default is 127.0.0.1. */
  host?: string
  token: string
  /** Extra delay before every answer, ms (added to the fault plan's latency). */
  latencyMs?: number
  /** A plan, or a `--faults` spec (faultSpec.ts). */
  faults?: string | FaultPlan
  /** Keep the disk in this directory so it survives a restart (default: in memory). */
  dataDir?: string
  quota?: number
  maxFileSize?: number
  opDurationMs?: number
  uploadLinkTtlMs?: number
  seed?: number
  /** The clock; Date.now by default. Tests pass their own to move operations along. */
  now?: () => number
}

export interface RunningDiskEmulator {
  /** `http://127.0.0.1:PORT`: the API is under `${url}/v1/disk`. */
  url: string
  port: number
  /** Where the disk lives: `in memory` or `in DIR`. */
  where: string
  emulator: DiskEmulator
  close(): Promise<void>
}

/** How many body bytes a download sends per read: small enough to stream, big enough to be quick. */
const CHUNK = 64 * 1024
/** A JSON API request body is never needed; more than this is refused. */
const MAX_API_BODY = 1024 * 1024

export async function startDiskEmulator(options: DiskEmulatorServerOptions): Promise<RunningDiskEmulator> {
  const host = options.host ?? '127.0.0.1'
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host !== 'localhost') throw new TypeError(`options.host must be a loopback address like 127.0.0.1 (got ${host})`)
  const port = options.port ?? 0
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new TypeError(`options.port must be 0 to 65535 (got ${String(options.port)})`)
  const plan: FaultPlan = typeof options.faults === 'string' ? parseFaults(options.faults) : { ...options.faults }
  if (options.latencyMs !== undefined) plan.latencyMs = (plan.latencyMs ?? 0) + options.latencyMs
  const storage = options.dataDir === undefined ? undefined : new DirStorage(options.dataDir)
  const coreOptions: DiskEmulatorOptions = { token: options.token, now: options.now ?? Date.now, faults: plan }
  for (const key of ['quota', 'maxFileSize', 'opDurationMs', 'uploadLinkTtlMs', 'seed'] as const) if (options[key] !== undefined) coreOptions[key] = options[key]
  if (storage) coreOptions.storage = storage
  const emulator = new DiskEmulator(coreOptions)

  const stopping = new AbortController()
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    serve(emulator, req, res, stopping.signal).catch((err: unknown) => send(res, failure(err)))
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const actual = (server.address() as AddressInfo).port
  const url = `http://${host}:${actual}`
  emulator.setOrigin(url)
  let closed: Promise<void> | undefined
  return {
    url,
    port: actual,
    where: storage?.where ?? 'in memory',
    emulator,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        stopping.abort()
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })),
  }
}

async function serve(emulator: DiskEmulator, req: IncomingMessage, res: ServerResponse, stop: AbortSignal): Promise<void> {
  const path = req.url ?? '/'
  const headers = lowerHeaders(req)
  const method = req.method ?? 'GET'
  const kind = DiskEmulator.kindOf(path)
  if (kind === 'upload') {
    if (method !== 'PUT') return void (await answer(res, notAllowed(method, 'PUT'), stop, req))
    return serveUpload(emulator.openUpload(path, headers), req, res, stop)
  }
  if (kind === 'download') {
    if (method !== 'GET' && method !== 'HEAD') return void (await answer(res, notAllowed(method, 'GET, HEAD'), stop, req))
    return serveDownload(emulator.openDownload(path, headers), method, res, stop)
  }
  const body = await readBody(req)
  if (body === undefined) return void (await answer(res, { status: 413, headers: { 'content-type': 'application/json' }, body: '{"message":"Слишком большой запрос.","description":"Payload Too Large","error":"PayloadTooLargeError"}', delayMs: 0 }, stop))
  await answer(res, emulator.api({ method, path, headers }, body), stop)
}

/** Streams a PUT body into the upload, cutting it where the fault plan says. */
function serveUpload(opened: UploadHandle | DiskResponse, req: IncomingMessage, res: ServerResponse, stop: AbortSignal): Promise<void> {
  if (!('kind' in opened)) return answer(res, opened, stop, req)
  const upload = opened
  return new Promise<void>((resolve) => {
    let received = 0
    let over = false
    const finish = (response: DiskResponse | undefined, opts: { refuse?: boolean } = {}): void => {
      over = true
      if (response) void answer(res, response, stop, opts.refuse ? req : undefined).then(resolve)
      else resolve()
    }
    req.on('data', (chunk: Buffer) => {
      if (over) return
      try {
        take(chunk)
      } catch (err) {
        // The storage failed (a full disk, say): the upload is dropped and the client told so.
        upload.abort()
        finish(failure(err), { refuse: true })
      }
    })
    const take = (chunk: Buffer): void => {
      const cut = upload.resetAfterBytes
      let piece = ownBytes(chunk)
      if (cut !== undefined && received + piece.length >= cut) {
        piece = piece.subarray(0, cut - received)
        if (piece.length > 0) upload.write(piece)
        upload.abort()
        // The connection is cut mid-body: no answer, the client sees a reset.
        req.socket.destroy()
        return finish(undefined)
      }
      received += piece.length
      const refusal = upload.write(piece)
      if (refusal) finish(refusal, { refuse: true })
    }
    req.on('end', () => {
      if (over) return
      try {
        finish(upload.finish())
      } catch (err) {
        finish(failure(err))
      }
    })
    req.on('close', () => {
      if (over) return
      upload.abort()
      finish(undefined)
    })
  })
}

/** Streams a download, pausing while the socket is full, cutting it where the fault plan says. */
async function serveDownload(opened: DownloadHandle | DiskResponse, method: string, res: ServerResponse, stop: AbortSignal): Promise<void> {
  if (!('kind' in opened)) return answer(res, opened, stop)
  const download = opened
  if (!(await pause(download.delayMs, stop))) return
  res.writeHead(download.status, download.headers)
  if (method === 'HEAD') return void res.end()
  const limit = Math.min(download.resetAfterBytes ?? Number.POSITIVE_INFINITY, download.length)
  const cuts = download.resetAfterBytes !== undefined && download.resetAfterBytes < download.length
  let offset = 0
  await new Promise<void>((resolve) => {
    res.once('close', () => resolve())
    const pump = (): void => {
      try {
        send()
      } catch (err) {
        // The storage failed mid-stream: the body cannot be completed, so the connection is cut.
        process.stderr.write(`disk emulator: ${describe(err)}\n`)
        res.socket?.destroy()
      }
    }
    const send = (): void => {
      while (offset < limit) {
        const bytes = download.read(offset, Math.min(CHUNK, limit - offset))
        if (bytes.length === 0) break
        offset += bytes.length
        // Cut: once the last bytes before the cut have left, close the connection mid-body.
        if (cuts && offset >= limit) return void res.write(bytes, () => res.socket?.destroy())
        if (!res.write(bytes)) return void res.once('drain', pump)
      }
      if (!cuts && offset === download.length) return void res.end()
      // Cut before any body byte (or the storage came up short): headers out, then the connection closes.
      res.flushHeaders()
      res.socket?.end()
    }
    pump()
  })
}

/** Waits the answer's delay, then sends it (and, for a refused upload, closes the connection). */
async function answer(res: ServerResponse, response: DiskResponse, stop: AbortSignal, unreadBody?: IncomingMessage): Promise<void> {
  if (!(await pause(response.delayMs, stop))) return
  // A refused request body is not read to its end: say so, and drop the connection after answering.
  if (unreadBody && !unreadBody.complete) {
    res.setHeader('connection', 'close')
    res.once('finish', () => unreadBody.socket.destroySoon())
  }
  send(res, response)
}

function send(res: ServerResponse, response: DiskResponse): void {
  if (res.headersSent || res.destroyed) return
  const body = Buffer.from(response.body)
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) })
  res.end(body)
}

/** Resolves true after `ms`, or false at once if the server is stopping. */
function pause(ms: number, stop: AbortSignal): Promise<boolean> {
  if (stop.aborted) return Promise.resolve(false)
  if (ms <= 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop.removeEventListener('abort', onStop)
      resolve(true)
    }, ms)
    const onStop = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    stop.addEventListener('abort', onStop, { once: true })
  })
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_API_BODY) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_API_BODY ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(undefined))
  })
}

/** A chunk the storage may keep: a small slice of a big socket buffer is copied, so it does not pin it. */
function ownBytes(chunk: Buffer): Uint8Array {
  return chunk.byteLength * 2 < chunk.buffer.byteLength ? Uint8Array.prototype.slice.call(chunk) : chunk
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  return out
}

function notAllowed(method: string, allowed: string): DiskResponse {
  const body = JSON.stringify({ message: 'Метод не поддерживается.', description: `Method Not Allowed: ${method} (use ${allowed}).`, error: 'MethodNotAllowedError' })
  return { status: 405, headers: { 'content-type': 'application/json', allow: allowed }, body, delayMs: 0 }
}

/** A 500 for something that went wrong inside the emulator (a bug, or its storage failing), logged to stderr. */
function failure(err: unknown): DiskResponse {
  process.stderr.write(`disk emulator: ${describe(err)}\n`)
  const body = JSON.stringify({ message: 'Внутренняя ошибка эмулятора.', description: 'Emulator failure: see its stderr.', error: 'InternalServerError' })
  return { status: 500, headers: { 'content-type': 'application/json' }, body, delayMs: 0 }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err)
}
