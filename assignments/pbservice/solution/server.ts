// The pbservice server (reference). Every tick it pings the coordinator and adopts the view it
// gets back. As primary it serves clients one request at a time, forwarding each put (and each
// get, as a check) to the backup and answering only after the backup confirmed; on a new view
// with a backup it first copies all its data there and only then acknowledges the view. As
// backup it takes forwarded requests and copies only from the primary of its view, and refuses
// clients. Outside the view it ignores clients. It keeps nothing on disk: a restart starts empty.
import { and, assign, emit, enqueueActions, setup } from 'xstate'
import { defineNode, print, protocolOf, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import {
  DEFAULT_TICK_INTERVAL,
  type BackupRefused,
  type PbserviceMessage,
  type ServerConfig,
  type View,
} from 'distlab/protocol/pbservice'
import type { Ping, ViewReply } from 'distlab/protocol/viewservice'

const { send, reply } = protocolOf<PbserviceMessage>()
const { send: sendToCoordinator } = protocolOf<Ping>()

/** A client request waiting at the primary. */
interface Request {
  from: string
  rid: number
  op: 'put' | 'get'
  key: string
  value: string
  client: string
  seq: number
}

interface Context {
  me: string
  coordinator: string
  tickInterval: number
  /** The view this server acts on (and acknowledges in its pings). */
  view: View
  /** A newer view in which this server is primary, adopted once the backup holds a copy. */
  pending: View | null
  store: Record<string, string>
  /** The highest put `seq` applied per client: a retried put is applied once. */
  applied: Record<string, number>
  /** As backup: the view whose copy this server received. */
  copyOf: number
  queue: Request[]
  current: Request | null
}

/** Any message, as far as the machine can trust its shape before checking it. */
type Incoming = Delivered<{ type: string } & Record<string, unknown>>

const field = (event: Incoming, name: string): unknown => event[name]
const wellFormed = (e: Incoming): boolean =>
  typeof e.key === 'string' &&
  Number.isInteger(e.rid) &&
  (e.type === 'GET' || (typeof e.value === 'string' && typeof e.client === 'string' && Number.isInteger(e.seq)))

export const serverMachine = setup({
  types: { input: {} as NodeInput<ServerConfig>, context: {} as Context, events: {} as Incoming, emitted: {} as NodeEffect },
  delays: {
    tick: ({ context }) => context.tickInterval,
    /** How long the primary waits for its backup before it tells the client to retry. */
    backupTimeout: ({ context }) => 2 * context.tickInterval,
  },
  guards: {
    fromCoordinator: ({ context, event }) => event.from === context.coordinator,
    malformed: ({ event }) => !wellFormed(event),
    isPrimary: ({ context }) => context.view.master === context.me && context.pending === null,
    isCopying: ({ context }) => context.view.master === context.me || context.pending?.master === context.me,
    isBackup: ({ context }) => context.view.backup === context.me,
    hasQueued: ({ context }) => context.queue.length > 0,
    copyPending: ({ context }) => context.pending !== null,
    // A server that has seen a newer view (it is copying for it) takes nothing from the old one's
    // master: its copy for the new backup must not miss a put accepted after the snapshot.
    fromMyPrimary: ({ context, event }) =>
      context.pending === null && context.view.backup === context.me && event.from === context.view.master && field(event, 'viewnum') === context.view.number,
    hasCopy: ({ context }) => context.copyOf === context.view.number,
    copyDone: ({ context, event }) => context.pending !== null && event.from === context.pending.backup && field(event, 'viewnum') === context.pending.number,
    newView: ({ context, event }) => Number(field(event, 'number')) > context.view.number && Number(field(event, 'number')) !== context.pending?.number,
    /** A view in which this server is primary with a backup is acknowledged only once the backup holds a copy. */
    needsCopy: ({ context, event }) => field(event, 'master') === context.me && field(event, 'backup') !== null,
    answerableNow: ({ context }) => answerableNow(context),
    answersCurrent: ({ context, event }) => context.current !== null && event.from === context.view.backup && field(event, 'viewnum') === context.view.number,
    /** Any refusal from the backup ends the request in flight: it is the only one. */
    refusedByBackup: ({ context, event }) => context.current !== null && event.from === context.view.backup,
  },
  actions: {
    ping: emit(({ context }) => sendToCoordinator(context.coordinator, { type: 'PING', viewnum: context.view.number, name: context.me })),
    startCopy: enqueueActions(({ context, event, enqueue }) => {
      const view = viewIn(event)
      enqueue.assign({ pending: view })
      enqueue.emit(send(view.backup as string, { type: 'TRANSFER', viewnum: view.number, data: context.store, applied: context.applied }))
    }),
    adoptView: enqueueActions(({ context, event, enqueue }) => {
      const view = viewIn(event)
      enqueue.assign({ view, pending: null })
      enqueue.emit(print(`view ${view.number}: ${view.master === context.me ? 'primary, no backup' : view.backup === context.me ? `backup of ${view.master}` : 'not in the view'}`))
      if (view.master === context.me) return
      for (const request of context.queue) enqueue.emit(send(request.from, { type: 'ERROR', reason: 'no longer the primary', rid: request.rid }))
      enqueue.assign({ queue: [] })
    }),
    resendCopy: emit(({ context }) => {
      const view = context.pending as View
      return send(view.backup as string, { type: 'TRANSFER', viewnum: view.number, data: context.store, applied: context.applied })
    }),
    finishCopy: enqueueActions(({ context, enqueue }) => {
      const view = context.pending as View
      enqueue.assign({ view, pending: null })
      enqueue.emit(print(`view ${view.number}: primary, copied ${Object.keys(context.store).length} keys to backup ${view.backup}`))
    }),
    enqueueRequest: assign({
      queue: ({ context, event }) => [
        ...context.queue,
        { from: event.from, rid: field(event, 'rid') as number, op: event.type === 'PUT' ? 'put' : 'get', key: field(event, 'key') as string, value: (field(event, 'value') as string) ?? '', client: (field(event, 'client') as string) ?? '', seq: (field(event, 'seq') as number) ?? 0 },
      ],
    }),
    answerNow: enqueueActions(({ context, enqueue }) => {
      const [request, ...queue] = context.queue as [Request, ...Request[]]
      enqueue.assign({ ...answer(context, request), queue })
      enqueue.emit(answerEffect(context, request))
    }),
    forwardRequest: enqueueActions(({ context, enqueue }) => {
      const [request, ...queue] = context.queue as [Request, ...Request[]]
      const backup = context.view.backup as string
      const viewnum = context.view.number
      enqueue.assign({ queue, current: request })
      if (request.op === 'put') enqueue.emit(send(backup, { type: 'PUT_BACKUP', key: request.key, value: request.value, client: request.client, seq: request.seq, viewnum }))
      else enqueue.emit(send(backup, { type: 'GET_BACKUP', key: request.key, viewnum }))
    }),
    completeRequest: enqueueActions(({ context, enqueue }) => {
      const request = context.current as Request
      enqueue.assign({ ...answer(context, request), current: null })
      enqueue.emit(answerEffect(context, request))
    }),
    failRequest: enqueueActions(({ context, enqueue }) => {
      const request = context.current
      if (request) enqueue.emit(send(request.from, { type: 'ERROR', reason: 'the backup did not confirm; retry', rid: request.rid }))
      enqueue.assign({ current: null })
    }),
    // -- as backup --
    applyForwardedPut: enqueueActions(({ context, event, enqueue }) => {
      const client = field(event, 'client') as string
      const seq = field(event, 'seq') as number
      if ((context.applied[client] ?? 0) < seq) {
        enqueue.assign({ store: { ...context.store, [field(event, 'key') as string]: field(event, 'value') as string }, applied: { ...context.applied, [client]: seq } })
      }
      enqueue.emit(reply(event, { type: 'PUT_BACKUP_OK', viewnum: context.view.number }))
    }),
    confirmGet: emit(({ context, event }) => reply(event, { type: 'GET_BACKUP_OK', viewnum: context.view.number })),
    takeCopy: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ store: { ...(field(event, 'data') as Record<string, string>) }, applied: { ...(field(event, 'applied') as Record<string, number>) }, copyOf: context.view.number })
      enqueue.emit(reply(event, { type: 'TRANSFER_OK', viewnum: context.view.number }))
    }),
    refuseForward: emit(({ context, event }) =>
      reply(event, { type: 'BACKUP_REFUSED', viewnum: context.view.number, reason: `${context.me} is not the backup of ${event.from} in view ${String(field(event, 'viewnum'))}` } satisfies BackupRefused),
    ),
    // -- refusals --
    refuseNotPrimary: emit(({ event }) => reply(event, { type: 'ERROR', reason: 'not the primary', rid: field(event, 'rid') as number })),
    refuseCopying: emit(({ event }) => reply(event, { type: 'ERROR', reason: 'copying data to a new backup; retry', rid: field(event, 'rid') as number })),
    refuseMalformed: emit(({ event }) =>
      reply(event, { type: 'ERROR', reason: `malformed ${event.type}: needs key and rid${event.type === 'PUT' ? ', value, client and seq' : ''}`, rid: Number.isInteger(field(event, 'rid')) ? (field(event, 'rid') as number) : undefined }),
    ),
    refuseUnknown: emit(({ event }) => reply(event, { type: 'ERROR', reason: `unknown request '${event.type}'`, rid: Number.isInteger(field(event, 'rid')) ? (field(event, 'rid') as number) : undefined })),
  },
}).createMachine({
  id: 'pbserver',
  context: ({ input }) => ({
    me: input.address,
    coordinator: input.config.coordinator,
    tickInterval: input.config.tickInterval ?? DEFAULT_TICK_INTERVAL,
    view: { number: 0, master: null, backup: null },
    pending: null,
    store: {},
    applied: {},
    copyOf: 0,
    queue: [],
    current: null,
  }),
  type: 'parallel',
  states: {
    clock: {
      initial: 'ticking',
      states: {
        ticking: {
          entry: 'ping',
          // Each tick also resends a copy that has not been confirmed yet.
          after: { tick: [{ guard: 'copyPending', target: 'ticking', reenter: true, actions: 'resendCopy' }, { target: 'ticking', reenter: true }] },
        },
      },
    },
    serving: {
      initial: 'idle',
      states: {
        idle: {
          always: [
            { guard: and(['hasQueued', 'isPrimary', 'answerableNow']), target: 'idle', reenter: true, actions: 'answerNow' },
            { guard: and(['hasQueued', 'isPrimary']), target: 'working' },
          ],
        },
        working: {
          entry: 'forwardRequest',
          after: { backupTimeout: { target: 'idle', actions: 'failRequest' } },
          on: {
            PUT_BACKUP_OK: { guard: 'answersCurrent', target: 'idle', actions: 'completeRequest' },
            GET_BACKUP_OK: { guard: 'answersCurrent', target: 'idle', actions: 'completeRequest' },
            BACKUP_REFUSED: { guard: 'refusedByBackup', target: 'idle', actions: 'failRequest' },
          },
        },
      },
    },
  },
  on: {
    // Every message type ends in a handler that takes it, so nothing falls to the wildcard below.
    VIEW: [
      { guard: and(['fromCoordinator', 'newView', 'needsCopy']), actions: 'startCopy' },
      { guard: and(['fromCoordinator', 'newView']), actions: 'adoptView' },
      {}, // the view this server already has (or is copying for)
    ],
    PUT: [
      { guard: 'malformed', actions: 'refuseMalformed' },
      { guard: 'isPrimary', actions: 'enqueueRequest' },
      { guard: 'isCopying', actions: 'refuseCopying' },
      { guard: 'isBackup', actions: 'refuseNotPrimary' },
      {}, // outside the view: nothing
    ],
    GET: [
      { guard: 'malformed', actions: 'refuseMalformed' },
      { guard: 'isPrimary', actions: 'enqueueRequest' },
      { guard: 'isCopying', actions: 'refuseCopying' },
      { guard: 'isBackup', actions: 'refuseNotPrimary' },
      {},
    ],
    PUT_BACKUP: [{ guard: and(['fromMyPrimary', 'hasCopy']), actions: 'applyForwardedPut' }, { actions: 'refuseForward' }],
    GET_BACKUP: [{ guard: and(['fromMyPrimary', 'hasCopy']), actions: 'confirmGet' }, { actions: 'refuseForward' }],
    TRANSFER: [{ guard: 'fromMyPrimary', actions: 'takeCopy' }, { actions: 'refuseForward' }],
    TRANSFER_OK: [{ guard: 'copyDone', actions: 'finishCopy' }, {}],
    // Answers that come late, and errors, are never answered.
    PUT_BACKUP_OK: {},
    GET_BACKUP_OK: {},
    BACKUP_REFUSED: {},
    MASTER_IS: {},
    ERROR: {},
    '*': { actions: 'refuseUnknown' },
  },
})

/** The primary answers without its backup a put it has already applied, or anything when it has no backup. */
export function answerableNow(context: Context): boolean {
  const request = context.queue[0]
  if (!request) return false
  return context.view.backup === null || (request.op === 'put' && (context.applied[request.client] ?? 0) >= request.seq)
}

/** The view a VIEW message carries. */
function viewIn(event: Incoming): View {
  return { number: Number(field(event, 'number')), master: (field(event, 'master') as string | null) ?? null, backup: (field(event, 'backup') as string | null) ?? null }
}

/** What answering a request does to the state: a put is applied (once). */
function answer(context: Context, request: Request): Partial<Context> {
  if (request.op !== 'put' || (context.applied[request.client] ?? 0) >= request.seq) return {}
  return { store: { ...context.store, [request.key]: request.value }, applied: { ...context.applied, [request.client]: request.seq } }
}

function answerEffect(context: Context, request: Request) {
  return request.op === 'put' ? send(request.from, { type: 'PUT_OK', rid: request.rid }) : send(request.from, { type: 'GET_OK', value: context.store[request.key] ?? null, rid: request.rid })
}

export type { Context as ServerContext, Request as ClientRequestAtPrimary, ViewReply }
export default defineNode({ machine: serverMachine, title: 'pbservice server' })
