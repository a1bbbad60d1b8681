// The emulator as a node of a simulated run, so graders and the lab's story drive a client against
// it in virtual time: the same core the real server wraps (DiskEmulator), fed the runtime's HTTP
// messages. Uploads arrive as HTTP_BODY pieces, each acknowledged once stored; downloads leave as
// pieces, at most a window of them unacknowledged; the fault plan's latency delays an answer and
// its resets break an exchange off with HTTP_ABORT, as a dropped connection would.
import { enqueueActions, setup } from 'xstate'
import { defineNode, httpBody, send, HTTP_BODY_WINDOW, type Delivered, type HttpAbortMessage, type HttpBodyAckMessage, type HttpBodyMessage, type HttpRequestMessage, type HttpResponseMessage, type NodeEffect, type NodeInput } from 'distlab/node'
import { DiskEmulator } from './DiskEmulator.ts'
import { DirStorage } from './dirStorage.ts'
import type { FaultPlan } from './faults.ts'
import type { DiskResponse, DownloadHandle, UploadHandle } from './types.ts'

/** The emulator node's config (the grader's and the story's choice). */
export interface EmulatorConfig {
  token: string
  /** Where its links point: `https://cloud-api.yandex.net` by default (the node's own address). */
  origin?: string
  quota?: number
  opDurationMs?: number
  faults?: FaultPlan
  /** 'dir' keeps files in the node's data directory instead of memory (big transfers). */
  storage?: 'memory' | 'dir'
}

const PIECE = 256 * 1024

interface Upload {
  handle: UploadHandle
  received: number
  /** Pieces taken, in order; one out of order breaks the exchange. */
  next: number
}

interface Download {
  handle: DownloadHandle
  /** Pieces sent, and acknowledged. */
  sent: number
  acked: number
  pieces: number
}

interface Context {
  disk: DiskEmulator
  uploads: Map<string, Upload>
  downloads: Map<string, Download>
}

type Event = Delivered<HttpRequestMessage> | Delivered<HttpBodyMessage> | Delivered<HttpBodyAckMessage> | Delivered<HttpAbortMessage> | { type: 'answer'; to: string; message: HttpResponseMessage | HttpBodyMessage }

const key = (from: string, rid: number): string => `${from}#${rid}`
const response = (rid: number, answer: DiskResponse, extra: Partial<HttpResponseMessage> = {}): HttpResponseMessage => ({ type: 'HTTP_RESPONSE', rid, status: answer.status, headers: answer.headers, body: answer.body, ...extra })

/** What the helpers below need of an action's `enqueue`. */
interface Enqueue {
  emit(effect: NodeEffect): void
  raise(event: Event, options?: { delay?: number }): void
}

/** An answer now, or after the latency the fault plan asks for. */
function answer(enqueue: Enqueue, to: string, message: HttpResponseMessage, delayMs: number): void {
  if (delayMs > 0) enqueue.raise({ type: 'answer', to, message }, { delay: delayMs })
  else enqueue.emit(send(to, message))
}

/** The next piece of a download, or the reset the fault plan asks for instead. */
function sendPiece(context: Context, enqueue: Enqueue, params: { to: string; rid: number; delayMs?: number }): void {
  const download = context.downloads.get(key(params.to, params.rid))
  if (!download || download.sent >= download.pieces) return
  const seq = download.sent
  const start = seq * PIECE
  const reset = download.handle.resetAfterBytes
  download.sent++
  if (reset !== undefined && start + PIECE > reset) {
    // The connection breaks in the middle of the body: what was sent before stays sent.
    context.downloads.delete(key(params.to, params.rid))
    enqueue.emit(send(params.to, { type: 'HTTP_ABORT', rid: params.rid, reason: `connection reset after ${reset} bytes` }))
    return
  }
  const data = download.handle.read(start, Math.min(PIECE, download.handle.length - start))
  const piece = httpBody(params.rid, seq, data, seq === download.pieces - 1)
  if (params.delayMs) enqueue.raise({ type: 'answer', to: params.to, message: piece }, { delay: params.delayMs })
  else enqueue.emit(send(params.to, piece))
  if (seq === download.pieces - 1) context.downloads.delete(key(params.to, params.rid))
}

export const emulatorMachine = setup({
  types: { input: {} as NodeInput<EmulatorConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    sendAnswer: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'answer') enqueue.emit(send(event.to, event.message))
    }),
    takeRequest: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_REQUEST') return
      const reply = (result: DiskResponse, extra: Partial<HttpResponseMessage> = {}): void => {
        answer(enqueue, event.from, response(event.rid, result, extra), result.delayMs)
      }
      const kind = DiskEmulator.kindOf(event.path)
      if (kind === 'api') return reply(context.disk.api(event, event.body))
      if (kind === 'upload') {
        const opened = context.disk.openUpload(event.path, event.headers)
        if (!('kind' in opened)) return reply(opened)
        if (!event.bodyFollows) {
          // The whole body in the request itself (a small file, or a client that does not stream).
          const refused = opened.write(new TextEncoder().encode(event.body))
          return reply(refused ?? opened.finish())
        }
        context.uploads.set(key(event.from, event.rid), { handle: opened, received: 0, next: 0 })
        return
      }
      const opened = context.disk.openDownload(event.path, event.headers)
      if (!('kind' in opened)) return reply(opened)
      if (!event.streamResponse) {
        return reply({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Ask for a download as a streamed body (streamResponse).', description: 'the lab sends file bytes in HTTP_BODY pieces', error: 'StreamRequired' }), delayMs: 0 })
      }
      const pieces = Math.max(1, Math.ceil(opened.length / PIECE))
      const download: Download = { handle: opened, sent: 0, acked: 0, pieces }
      context.downloads.set(key(event.from, event.rid), download)
      answer(enqueue, event.from, { type: 'HTTP_RESPONSE', rid: event.rid, status: opened.status, headers: opened.headers, body: '', bodyFollows: true }, opened.delayMs)
      // The first window of pieces follows the headers (after the same latency).
      for (let i = 0; i < Math.min(HTTP_BODY_WINDOW, pieces); i++) sendPiece(context, enqueue, { to: event.from, rid: event.rid, delayMs: opened.delayMs })
    }),
    takeAck: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_BODY_ACK') return
      const download = context.downloads.get(key(event.from, event.rid))
      if (!download) return
      download.acked++
      sendPiece(context, enqueue, { to: event.from, rid: event.rid })
    }),
    takePiece: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_BODY') return
      const id = key(event.from, event.rid)
      const upload = context.uploads.get(id)
      if (!upload) return
      const abort = (reason: string): void => {
        upload.handle.abort()
        context.uploads.delete(id)
        enqueue.emit(send(event.from, { type: 'HTTP_ABORT', rid: event.rid, reason }))
      }
      if (event.seq !== upload.next) return abort(`piece ${event.seq} came where ${upload.next} was due`)
      upload.next++
      upload.received += event.data.length
      const reset = upload.handle.resetAfterBytes
      if (reset !== undefined && upload.received > reset) return abort(`connection reset after ${reset} bytes`)
      const refused = upload.handle.write(event.data)
      if (refused) {
        context.uploads.delete(id)
        upload.handle.abort()
        return answer(enqueue, event.from, response(event.rid, refused), 0)
      }
      enqueue.emit(send(event.from, { type: 'HTTP_BODY_ACK', rid: event.rid, seq: event.seq }))
      if (!event.last) return
      context.uploads.delete(id)
      const finished = upload.handle.finish()
      answer(enqueue, event.from, response(event.rid, finished), finished.delayMs)
    }),
    forgetExchange: enqueueActions(({ context, event }) => {
      if (event.type !== 'HTTP_ABORT') return
      context.uploads.get(key(event.from, event.rid))?.handle.abort()
      context.uploads.delete(key(event.from, event.rid))
      context.downloads.delete(key(event.from, event.rid))
    }),
  },
}).createMachine({
  id: 'disk',
  context: ({ input }) => {
    const disk = new DiskEmulator({
      token: input.config.token,
      now: () => Date.now(),
      random: Math.random,
      origin: input.config.origin ?? `https://${input.address}`,
      ...(input.config.quota !== undefined ? { quota: input.config.quota } : {}),
      ...(input.config.opDurationMs !== undefined ? { opDurationMs: input.config.opDurationMs } : {}),
      ...(input.config.faults ? { faults: input.config.faults } : {}),
      ...(input.config.storage === 'dir' ? { storage: new DirStorage(input.dataDir) } : {}),
    })
    return { disk, uploads: new Map(), downloads: new Map() }
  },
  initial: 'serving',
  states: {
    serving: {
      on: {
        HTTP_REQUEST: { actions: 'takeRequest' },
        HTTP_BODY: { actions: 'takePiece' },
        HTTP_BODY_ACK: { actions: 'takeAck' },
        HTTP_ABORT: { actions: 'forgetExchange' },
        answer: { actions: 'sendAnswer' },
      },
    },
  },
})

export default defineNode({ machine: emulatorMachine, title: 'Yandex.Disk emulator' })
