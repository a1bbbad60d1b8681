// One request to the service, retried (seed 000 §2 asks for the reason of every failure; a
// service also says "later" with 429 and 5xx, and connections break):
//
//   sending ──▶ waiting ──an answer──▶ answered
//                 │ 429, 5xx, no answer in time, nobody there
//                 ▼
//              backingOff ──after the back-off (or Retry-After)──▶ sending
//                 └──no tries left, or Retry-After too long──▶ gaveUp
import { and, assign, emit, setup } from 'xstate'
import { httpRequest, send, type Delivered, type HttpResponseMessage, type NodeEffect, type UnreachableEvent } from 'distlab/node'
import { RETRY } from 'distlab/protocol/disk-client'

export interface CallInput {
  /** The first request number of this call; each try uses the next. */
  ridBase: number
  to: string
  method: string
  path: string
  headers: Record<string, string>
  body?: string
}

export type CallOutput = { response: HttpResponseMessage } | { failure: string }

interface Context extends CallInput {
  attempt: number
  waitMs: number
  last: string
  response: HttpResponseMessage | null
}

type Event = Delivered<HttpResponseMessage> | UnreachableEvent

const rid = (context: Context): number => context.ridBase + context.attempt
const retryable = (status: number): boolean => status === 429 || status >= 500
/** How long Retry-After asks to wait, in ms (seconds or an HTTP date are both allowed; a date is not waited for). */
const retryAfterMs = (response: HttpResponseMessage): number => {
  const value = response.headers['retry-after']
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) * 1000 : 0
}

export const callMachine = setup({
  types: { input: {} as CallInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect, output: {} as CallOutput },
  delays: {
    backoff: ({ context }) => context.waitMs,
    timeout: RETRY.requestTimeoutMs,
  },
  guards: {
    isMine: ({ context, event }) => (event.type === 'HTTP_RESPONSE' ? event.rid : (event.message as { rid?: number }).rid) === rid(context),
    saysLater: ({ event }) => event.type === 'HTTP_RESPONSE' && retryable(event.status),
    waitTooLong: ({ event }) => event.type === 'HTTP_RESPONSE' && retryAfterMs(event) > RETRY.maxRetryAfterMs,
    triesLeft: ({ context }) => context.attempt + 1 < RETRY.attempts,
  },
  actions: {
    sendRequest: emit(({ context }) => send(context.to, httpRequest(rid(context), context.method, context.path, { headers: context.headers, body: context.body ?? '' }), { unreachable: true })),
    keep: assign({ response: ({ event }) => (event.type === 'HTTP_RESPONSE' ? event : null) }),
    /** Why this try failed, and how long to wait before the next: doubling, or Retry-After if longer. */
    noteFailure: assign(({ context, event }) => {
      const backoff = Math.min(RETRY.backoffMs * 2 ** context.attempt, RETRY.maxBackoffMs)
      if (event.type === 'HTTP_RESPONSE') return { last: `${event.status}`, waitMs: Math.max(backoff, retryAfterMs(event)) }
      return { last: 'nobody answers at the address', waitMs: backoff }
    }),
    noteTimeout: assign({ last: `no answer within ${RETRY.requestTimeoutMs / 1000} s`, waitMs: ({ context }) => Math.min(RETRY.backoffMs * 2 ** context.attempt, RETRY.maxBackoffMs) }),
    nextTry: assign({ attempt: ({ context }) => context.attempt + 1 }),
  },
}).createMachine({
  id: 'call',
  context: ({ input }) => ({ ...input, attempt: 0, waitMs: 0, last: '', response: null }),
  initial: 'sending',
  states: {
    sending: { entry: 'sendRequest', always: 'waiting' },
    waiting: {
      on: {
        HTTP_RESPONSE: [
          { guard: and(['isMine', 'saysLater', 'waitTooLong']), target: 'gaveUp', actions: 'noteFailure' },
          { guard: and(['isMine', 'saysLater']), target: 'failedTry', actions: 'noteFailure' },
          { guard: 'isMine', target: 'answered', actions: 'keep' },
        ],
        'net.unreachable': { guard: 'isMine', target: 'failedTry', actions: 'noteFailure' },
      },
      after: { timeout: { target: 'failedTry', actions: 'noteTimeout' } },
    },
    failedTry: { always: [{ guard: 'triesLeft', target: 'backingOff' }, { target: 'gaveUp' }] },
    backingOff: { after: { backoff: { target: 'sending', actions: 'nextTry' } } },
    answered: { type: 'final' },
    gaveUp: { type: 'final' },
  },
  output: ({ context }) => (context.response ? { response: context.response } : { failure: `${context.last}, after ${context.attempt + 1} tries` }),
})
