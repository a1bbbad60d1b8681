// One client PUT, coordinated by one of the key's replicas (the node that received it, or the one a
// non-replica handed it to):
//
//   placing ──quorum of copies acknowledged──▶ acknowledged ──every replica has a copy──▶ done
//     │ each round: a stand-in per replica without a copy   │ (stand-ins count: hinted handoff
//     └──MAX_ROUNDS without a quorum──▶ failed               └──MAX_ROUNDS──▶ done   delivers later)
//
// The new version descends from every version the client read (its metadata) and is counted by
// this node in its vector clock.
import { assign, emit, enqueueActions, setup } from 'xstate'
import { send, type Delivered, type NodeEffect } from 'distlab/node'
import type { ReplicaPutAck } from './internal.ts'
import { MAX_ROUNDS, ROUND_MS, addressOf, nameAt, type CoordinationInput } from './coordination.ts'
import { encodeClock, type Version } from './versions.ts'

export interface WriteInput extends CoordinationInput {
  /** Who gets the answer: a client (PUT_RESP), or the node that forwarded the PUT (COORDINATED). */
  answerTo: { address: string; forwardReq: number | null }
  version: Version
  replicas: string[]
  candidates: string[]
}

interface Context extends WriteInput {
  /** Every node a copy was sent to, and the replica it stands in for (null: a replica itself). */
  placed: Record<string, string | null>
  acked: string[]
  rounds: number
}

type Event = Delivered<ReplicaPutAck>

/** Whether replica `r`, or a node standing in for it, acknowledged its copy. */
const copied = (context: Context, r: string): boolean => context.acked.some((node) => node === r || context.placed[node] === r)

/** Copies the version to `node` (standing in for `hintFor`, or null); this node stores its own at once. */
function place(context: Context, targets: Array<[node: string, hintFor: string | null]>): { placed: Context['placed']; acked: string[]; effects: NodeEffect[] } {
  const placed = { ...context.placed }
  const acked = [...context.acked]
  const effects: NodeEffect[] = []
  for (const [node, hintFor] of targets) {
    placed[node] = hintFor
    if (node === context.self) {
      context.store.put(context.key, [context.version], hintFor)
      acked.push(node)
    } else {
      effects.push(send(addressOf(context, node), { type: 'R_PUT', key: context.key, versions: [context.version], req: context.req, ...(hintFor ? { hintFor } : {}) }))
    }
  }
  return { placed, acked, effects }
}

export const writeMachine = setup({
  types: { input: {} as WriteInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  delays: { round: ROUND_MS },
  guards: {
    quorumReached: ({ context }) => context.acked.length >= context.quorum,
    everyReplicaCopied: ({ context }) => context.replicas.every((r) => copied(context, r)),
    lastRound: ({ context }) => context.rounds + 1 >= MAX_ROUNDS,
  },
  actions: {
    placeOnReplicas: enqueueActions(({ context, enqueue }) => {
      const { effects, ...placed } = place(context, context.replicas.map((r) => [r, null]))
      enqueue.assign(placed)
      for (const effect of effects) enqueue.emit(effect)
    }),
    /** Each replica without a copy yet gets a (further) stand-in: the next of the preference list. */
    placeOnStandIns: enqueueActions(({ context, enqueue }) => {
      const targets: Array<[string, string]> = []
      const taken = new Set(Object.keys(context.placed))
      for (const replica of context.replicas.filter((r) => !copied(context, r))) {
        const standIn = context.candidates.find((n) => !taken.has(n))
        if (standIn === undefined) continue
        taken.add(standIn)
        targets.push([standIn, replica])
      }
      const { effects, ...placed } = place(context, targets)
      enqueue.assign(placed)
      for (const effect of effects) enqueue.emit(effect)
    }),
    takeAck: assign({ acked: ({ context, event }) => (context.acked.includes(nameAt(context, event.from)) ? context.acked : [...context.acked, nameAt(context, event.from)]) }),
    countRound: assign({ rounds: ({ context }) => context.rounds + 1 }),
    answerWritten: emit(({ context }) => {
      const metadata = encodeClock(context.version.clock)
      const { address, forwardReq } = context.answerTo
      return forwardReq === null ? send(address, { type: 'PUT_RESP', key: context.key, metadata }) : send(address, { type: 'COORDINATED', req: forwardReq, metadata })
    }),
    answerNoQuorum: emit(({ context }) => {
      const reason = `quorum ${context.quorum} not reached for ${context.key}`
      const { address, forwardReq } = context.answerTo
      return forwardReq === null ? send(address, { type: 'ERROR', reason }) : send(address, { type: 'COORDINATED', req: forwardReq, error: reason })
    }),
  },
}).createMachine({
  id: 'write',
  context: ({ input }) => ({ ...input, placed: {}, acked: [], rounds: 0 }),
  initial: 'placing',
  states: {
    placing: {
      entry: 'placeOnReplicas',
      always: { guard: 'quorumReached', target: 'acknowledged' },
      on: { R_PUT_ACK: { actions: 'takeAck' } },
      initial: 'waiting',
      states: {
        waiting: { after: { round: [{ guard: 'lastRound', target: '#write.failed' }, { target: 'waiting', reenter: true, actions: ['countRound', 'placeOnStandIns'] }] } },
      },
    },
    acknowledged: {
      entry: 'answerWritten',
      always: { guard: 'everyReplicaCopied', target: 'done' },
      on: { R_PUT_ACK: { actions: 'takeAck' } },
      initial: 'waiting',
      states: {
        waiting: { after: { round: [{ guard: 'lastRound', target: '#write.done' }, { target: 'waiting', reenter: true, actions: ['countRound', 'placeOnStandIns'] }] } },
      },
    },
    done: { type: 'final' },
    failed: { type: 'final', entry: 'answerNoQuorum' },
  },
})
