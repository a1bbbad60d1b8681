// One hop of a chained read (seed 003: a node that lacks a key asks the others in a chain until one
// has it; the value flows back along the path):
//
//   asking ──the next node answers──▶ answered
//     └──its time is up (a dead or slow node)──▶ timedOut
//
// Either way the hop reports to its node (`chain.done`), which caches what came back and answers
// its own caller. The next node gets this hop's budget less a margin, so a chain never outlives
// the read that started it, and never visits a node twice (`path`).
import { assign, emit, sendParent, setup } from 'xstate'
import { httpRequest, type Delivered, type HttpResponseMessage, type NodeEffect } from 'distlab/node'
import { send } from 'distlab/node'
import type { LookupAnswer, LookupBody } from 'distlab/protocol/http-store'

/** Who asked the node for the read, and what it found itself: echoed back in `chain.done`. */
export interface ReadOrigin {
  replyTo: string
  rid: number
  /** A client's GET (answered with values) or a hop of someone else's chain (with stamps). */
  kind: 'client' | 'hop'
  db: string
  keys: string[]
  found: LookupAnswer['found']
}

export interface ChainInput {
  /** This hop's request number at its node. */
  rid: number
  to: string
  token: string
  lookup: LookupBody
  /** How long to wait for the answer. */
  waitMs: number
  origin: ReadOrigin
}

export interface ChainDone {
  type: 'chain.done'
  rid: number
  origin: ReadOrigin
  found: LookupAnswer['found']
}

interface Context extends ChainInput {
  found: LookupAnswer['found']
}

export const chainMachine = setup({
  types: { input: {} as ChainInput, context: {} as Context, events: {} as Delivered<HttpResponseMessage>, emitted: {} as NodeEffect },
  delays: { wait: ({ context }) => context.waitMs },
  guards: {
    answersThisHop: ({ context, event }) => event.rid === context.rid && event.status === 200,
  },
  actions: {
    askNext: emit(({ context }) =>
      send(context.to, httpRequest(context.rid, 'POST', '/internal/lookup', { headers: { authorization: `Bearer ${context.token}`, 'content-type': 'application/json' }, body: JSON.stringify(context.lookup) })),
    ),
    takeAnswer: assign({ found: ({ event }) => foundIn(event.body) }),
    report: sendParent(({ context }): ChainDone => ({ type: 'chain.done', rid: context.rid, origin: context.origin, found: context.found })),
  },
}).createMachine({
  id: 'chain',
  context: ({ input }) => ({ ...input, found: {} }),
  initial: 'asking',
  states: {
    asking: {
      entry: 'askNext',
      on: { HTTP_RESPONSE: { guard: 'answersThisHop', target: 'answered', actions: 'takeAnswer' } },
      after: { wait: 'timedOut' },
    },
    answered: { type: 'final', entry: 'report' },
    timedOut: { type: 'final', entry: 'report' },
  },
})

/** The `found` of a lookup answer, or nothing if the body is not one. */
function foundIn(body: string): LookupAnswer['found'] {
  try {
    const parsed = JSON.parse(body) as Partial<LookupAnswer>
    const found = parsed.found
    if (typeof found !== 'object' || found === null) return {}
    const clean: LookupAnswer['found'] = {}
    for (const [key, held] of Object.entries(found)) {
      const s = held?.stamp
      if (held && 'value' in held && s && typeof s.t === 'number' && typeof s.c === 'number' && typeof s.n === 'string') clean[key] = { value: held.value, stamp: s }
    }
    return clean
  } catch {
    return {}
  }
}
