// Patterns for http-store, quoted in spec.md ("Patterns you will need"): each region is one small
// machine, and the lab's tsc checks them all, so the spec's code always compiles.
import { emit, enqueueActions, setup } from 'xstate'
import { httpRequest, jsonResponse, print, send, type Delivered, type DeliveredHttpRequest, type HttpResponseMessage, type NodeEffect, type StdinEvent } from 'distlab/node'
import { TIMING, type ErrorBody, type TokenBody } from 'distlab/protocol/http-store'

// #region menu
// The client's console: each typed line is a `stdin` event; the first word picks the command.
export const console_ = setup({
  types: { context: {} as { server: string; rid: number }, events: {} as StdinEvent, emitted: {} as NodeEffect },
  guards: { isGet: ({ event }) => event.line.trim().startsWith('get ') },
  actions: {
    get: enqueueActions(({ context, event, enqueue }) => {
      const [, db = '', keys = ''] = event.line.trim().split(/\s+/)
      enqueue.assign({ rid: context.rid + 1 })
      enqueue.emit(send(context.server, httpRequest(context.rid + 1, 'GET', `/db/${db}/${keys}`)))
    }),
    unknown: emit(({ event }) => print(`unknown command '${event.line.trim()}'`)),
  },
}).createMachine({
  context: { server: '127.0.0.1:8080', rid: 0 },
  on: { stdin: [{ guard: 'isGet', actions: 'get' }, { actions: 'unknown' }] },
})
// #endregion

// #region timer
// The client waits TIMING.clientTimeoutMs for a server: an `after` delay, in virtual time;
// the answer leaves the state first and so cancels it.
export const waiting = setup({
  types: { events: {} as Delivered<HttpResponseMessage>, emitted: {} as NodeEffect },
  delays: { patience: TIMING.clientTimeoutMs },
}).createMachine({
  initial: 'asking',
  states: {
    asking: {
      on: { HTTP_RESPONSE: 'done' },
      after: { patience: { target: 'done', actions: emit(print('no answer: trying the next server')) } },
    },
    done: {},
  },
})
// #endregion

// #region effects
// One handler, several effects: answer the client, then tell every other member.
export const writing = setup({
  types: { context: {} as { members: string[] }, events: {} as DeliveredHttpRequest, emitted: {} as NodeEffect },
  actions: {
    acceptAndPropagate: enqueueActions(({ context, event, enqueue }) => {
      enqueue.emit(send(event.from, jsonResponse(event, 200, { ok: true })))
      context.members.forEach((member, i) => enqueue.emit(send(member, httpRequest(1000 + i, 'POST', '/internal/replicate', { body: event.body }))))
    }),
  },
}).createMachine({ context: { members: ['127.0.0.1:8081'] }, on: { HTTP_REQUEST: { actions: 'acceptAndPropagate' } } })
// #endregion

// #region unknown
// A request no route takes gets 404 with the protocol's error body, from the last, unguarded
// branch; `'*'` in the top state ignores any other event.
export const routing = setup({
  types: { events: {} as DeliveredHttpRequest, emitted: {} as NodeEffect },
  guards: { isAuth: ({ event }) => event.method === 'POST' && event.path === '/auth' },
}).createMachine({
  on: {
    HTTP_REQUEST: [
      { guard: 'isAuth', actions: emit(({ event }) => send(event.from, jsonResponse(event, 200, { token: '…' } satisfies TokenBody))) },
      { actions: emit(({ event }) => send(event.from, jsonResponse(event, 404, { error: `no route for ${event.method} ${event.path}` } satisfies ErrorBody))) },
    ],
    '*': {},
  },
})
// #endregion
