// One client GET, coordinated by the node that received it:
//
//   asking ──quorum of answers──▶ answered ──every asked node answered──▶ done
//     │ each round: stand-ins for the missing answers   │ each answer: read repair
//     └──MAX_ROUNDS without a quorum──▶ failed          └──MAX_ROUNDS──▶ done
//
// The client gets every version found (siblings), reconciled; replicas that answered with less
// than that are brought up to date (read repair).
import { assign, emit, enqueueActions, setup } from 'xstate'
import { send, type Delivered, type NodeEffect } from 'distlab/node'
import type { ReplicaGetResp } from './internal.ts'
import { MAX_ROUNDS, ROUND_MS, addressOf, nameAt, type CoordinationInput } from './coordination.ts'
import { covers, encodeClock, type Version } from './versions.ts'

export interface ReadInput extends CoordinationInput {
  client: string
  /** The key's replicas, and the stand-ins after them in its preference list. */
  replicas: string[]
  candidates: string[]
}

interface Context extends ReadInput {
  asked: string[]
  responses: Record<string, Version[]>
  rounds: number
}

type Event = Delivered<ReplicaGetResp>

/** Asks `nodes` for their versions; this node answers itself at once. */
function ask(context: Context, nodes: string[]): { asked: string[]; responses: Record<string, Version[]>; effects: NodeEffect[] } {
  const responses = { ...context.responses }
  const effects: NodeEffect[] = []
  for (const node of nodes) {
    if (node === context.self) responses[node] = context.store.held(context.key)
    else effects.push(send(addressOf(context, node), { type: 'R_GET', key: context.key, req: context.req }))
  }
  return { asked: [...context.asked, ...nodes], responses, effects }
}

export const readMachine = setup({
  types: { input: {} as ReadInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  delays: { round: ROUND_MS },
  guards: {
    quorumReached: ({ context }) => Object.keys(context.responses).length >= context.quorum,
    lastRound: ({ context }) => context.rounds + 1 >= MAX_ROUNDS,
    fromAsked: ({ context, event }) => context.asked.includes(nameAt(context, event.from)) && Array.isArray(event.versions),
    allAnswered: ({ context }) => context.asked.every((node) => node in context.responses),
  },
  actions: {
    askReplicas: enqueueActions(({ context, enqueue }) => {
      const { effects, ...asked } = ask(context, context.replicas)
      enqueue.assign(asked)
      for (const effect of effects) enqueue.emit(effect)
    }),
    /** As many stand-ins as answers are missing. */
    askStandIns: enqueueActions(({ context, enqueue }) => {
      const missing = context.quorum - Object.keys(context.responses).length
      const next = context.candidates.filter((n) => !context.asked.includes(n)).slice(0, Math.max(0, missing))
      const { effects, ...asked } = ask(context, next)
      enqueue.assign(asked)
      for (const effect of effects) enqueue.emit(effect)
    }),
    takeResponse: assign({ responses: ({ context, event }) => ({ ...context.responses, [nameAt(context, event.from)]: event.versions }) }),
    countRound: assign({ rounds: ({ context }) => context.rounds + 1 }),
    answerClient: emit(({ context }) => {
      const found = context.policy.answer(context.key, Object.values(context.responses).flat())
      return send(context.client, { type: 'GET_RESP', key: context.key, values: found.map((v) => v.value), metadata: found.map((v) => encodeClock(v.clock)) })
    }),
    /** Brings every replica that answered up to date with everything the read found. */
    repair: enqueueActions(({ context, enqueue }) => {
      const merged = context.policy.keep(context.key, Object.values(context.responses).flat())
      if (merged.length === 0) return
      const responses = { ...context.responses }
      for (const [node, versions] of Object.entries(context.responses)) {
        if (!context.replicas.includes(node) || covers(versions, merged)) continue
        responses[node] = merged
        if (node === context.self) context.store.put(context.key, merged, null)
        else enqueue.emit(send(addressOf(context, node), { type: 'R_PUT', key: context.key, versions: merged, req: 0 }))
      }
      enqueue.assign({ responses })
    }),
    answerNoQuorum: emit(({ context }) => send(context.client, { type: 'ERROR', reason: `quorum ${context.quorum} not reached for ${context.key}` })),
  },
}).createMachine({
  id: 'read',
  context: ({ input }) => ({ ...input, asked: [], responses: {}, rounds: 0 }),
  initial: 'asking',
  states: {
    asking: {
      entry: 'askReplicas',
      always: { guard: 'quorumReached', target: 'answered' },
      on: { R_GET_RESP: { guard: 'fromAsked', actions: 'takeResponse' } },
      initial: 'waiting',
      states: {
        waiting: { after: { round: [{ guard: 'lastRound', target: '#read.failed' }, { target: 'waiting', reenter: true, actions: ['countRound', 'askStandIns'] }] } },
      },
    },
    answered: {
      entry: ['answerClient', 'repair'],
      always: { guard: 'allAnswered', target: 'done' },
      on: { R_GET_RESP: { guard: 'fromAsked', actions: ['takeResponse', 'repair'] } },
      initial: 'waiting',
      states: {
        waiting: { after: { round: [{ guard: 'lastRound', target: '#read.done' }, { target: 'waiting', reenter: true, actions: 'countRound' }] } },
      },
    },
    done: { type: 'final' },
    failed: { type: 'final', entry: 'answerNoQuorum' },
  },
})
