// One packet sent by `sendto`, until its acknowledgement or the give-up time. Spawned by the socket
// per sendto; it ends in a final state and reports to the socket:
//
//   inFlight ─┬─ waiting ──backoff──▶ waiting (sent again, the next wait twice as long, ≤ 400 ms)
//             ├──the ack (routed by the socket)──▶ acknowledged
//             └──giveUp (5 s after the first transmission)──▶ timedOut
import { assign, emit, sendParent, setup } from 'xstate'
import { send, type Address, type NodeEffect } from 'distlab/node'
import { SEND_TIMEOUT_MS } from 'distlab/protocol/reliable-udp'

const FIRST_RETRANSMIT_MS = 100
const MAX_BACKOFF_MS = 400

export interface TransmissionInput {
  id: number
  to: Address
  /** The whole datagram: header and payload. */
  packet: Uint8Array
  request: number
}

interface Context extends TransmissionInput {
  backoff: number
}

/** What a transmission tells the socket that spawned it. */
export type TransmissionReport = { type: 'transmission.acknowledged' | 'transmission.timedOut'; id: number; request: number }

export const transmissionMachine = setup({
  types: { input: {} as TransmissionInput, context: {} as Context, events: {} as { type: 'packet.acked' }, emitted: {} as NodeEffect },
  delays: {
    backoff: ({ context }) => context.backoff,
    giveUp: SEND_TIMEOUT_MS,
  },
  actions: {
    transmit: emit(({ context }) => send(context.to, { type: 'datagram', data: context.packet })),
    widenBackoff: assign({ backoff: ({ context }) => Math.min(context.backoff * 2, MAX_BACKOFF_MS) }),
    reportAcknowledged: sendParent(({ context }): TransmissionReport => ({ type: 'transmission.acknowledged', id: context.id, request: context.request })),
    reportTimedOut: sendParent(({ context }): TransmissionReport => ({ type: 'transmission.timedOut', id: context.id, request: context.request })),
  },
}).createMachine({
  id: 'transmission',
  context: ({ input }) => ({ ...input, backoff: FIRST_RETRANSMIT_MS }),
  initial: 'inFlight',
  states: {
    inFlight: {
      initial: 'waiting',
      states: {
        waiting: {
          entry: 'transmit',
          after: { backoff: { target: 'waiting', reenter: true, actions: 'widenBackoff' } },
        },
      },
      on: { 'packet.acked': 'acknowledged' },
      after: { giveUp: 'timedOut' },
    },
    acknowledged: { type: 'final', entry: 'reportAcknowledged' },
    timedOut: { type: 'final', entry: 'reportTimedOut' },
  },
})
