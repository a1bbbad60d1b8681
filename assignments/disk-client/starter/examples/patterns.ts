// Patterns for the disk-client, quoted in spec.md ("Patterns you will need"): each region is one
// small machine, and the lab's tsc checks them all, so the spec's code always compiles.
import { enqueueActions, setup } from 'xstate'
import { httpRequest, print, send, toApp, type Delivered, type HttpResponseMessage, type NodeEffect, type NodeInput } from 'distlab/node'
import { EXIT, RETRY, type ClientConfig, type ExitResult } from 'distlab/protocol/disk-client'

const exit = (code: ExitResult['code']) => toApp<ExitResult>({ type: 'exit', code })

// #region menu
// The client's "console" is its command line: config.argv, read once at the start; a guard per
// command, and an unknown one ends with the usage and exit code 1.
export const dispatch = setup({
  types: { input: {} as NodeInput<ClientConfig>, context: {} as { argv: string[] }, emitted: {} as NodeEffect },
  guards: { isLs: ({ context }) => context.argv[0] === 'ls' },
  actions: {
    usage: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(print(`unknown command '${context.argv[0] ?? ''}'; commands: ls, info, mkdir, rm, mv, cp, upload, download`))
      enqueue.emit(exit(EXIT.usage))
    }),
  },
}).createMachine({
  context: ({ input }) => ({ argv: input.config.argv }),
  initial: 'start',
  states: {
    start: { always: [{ guard: 'isLs', target: 'listing' }, { target: 'done', actions: 'usage' }] },
    listing: {},
    done: { type: 'final' },
  },
})
// #endregion

// #region timer
// A retry after a back-off: an `after` delay, in virtual time, computed from the context.
export const retrying = setup({
  types: { context: {} as { attempt: number }, events: {} as Delivered<HttpResponseMessage>, emitted: {} as NodeEffect },
  delays: { backoff: ({ context }) => Math.min(RETRY.backoffMs * 2 ** context.attempt, RETRY.maxBackoffMs) },
}).createMachine({
  context: { attempt: 0 },
  initial: 'waiting',
  states: {
    waiting: { after: { backoff: { target: 'asking', actions: enqueueActions(({ context, enqueue }) => enqueue.assign({ attempt: context.attempt + 1 })) } } },
    asking: {},
  },
})
// #endregion

// #region effects
// One handler, several effects: print the result, then exit with its code.
export const finishing = setup({
  types: { events: {} as Delivered<HttpResponseMessage>, emitted: {} as NodeEffect },
  actions: {
    report: enqueueActions(({ event, enqueue }) => {
      enqueue.emit(print(event.status === 201 ? 'created' : `failed: HTTP ${event.status}`))
      enqueue.emit(exit(event.status === 201 ? EXIT.ok : EXIT.refused))
    }),
  },
}).createMachine({ on: { HTTP_RESPONSE: { actions: 'report' } } })
// #endregion

// #region unknown
// An answer the client did not ask for (an old request's `rid`) is ignored by `'*'` in the
// top state; the client's own errors are lines and exit codes, not messages.
export const calling = setup({
  types: { context: {} as { rid: number }, events: {} as Delivered<HttpResponseMessage>, emitted: {} as NodeEffect },
  guards: { mine: ({ context, event }) => event.rid === context.rid },
}).createMachine({
  context: { rid: 1 },
  entry: enqueueActions(({ enqueue }) => enqueue.emit(send('cloud-api.yandex.net', httpRequest(1, 'GET', '/v1/disk')))),
  on: {
    HTTP_RESPONSE: { guard: 'mine', actions: enqueueActions(({ enqueue }) => enqueue.emit(exit(EXIT.ok))) },
    '*': {},
  },
})
// #endregion
