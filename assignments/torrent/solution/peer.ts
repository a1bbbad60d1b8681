// One peer of the node, as the node sees it: spawned when the node learns its address (from
// torrent.conf, from another peer, or from its HELLO). It dials, waits, backs off and redials; once
// a handshake (HELLO or WELCOME) names the peer's incarnation it is connected until the peer says
// BYE, stops answering, or fails the node too often.
//
//   idle ──redial──▶ dialing ──WELCOME──▶ connected ──BYE / bye──▶ closed
//    ▲                  │ no answer          │ unreachable, struck out
//    └──── back off ────┴────────────────────┘
//   (a HELLO from the peer connects it from any state)
//
// The node hears `peer.connected` (with what the handshake said) and `peer.lost` (forget its
// bitfield and the parts asked of it); trading parts is the node's business.
import { and, assign, emit, sendParent, setup, stateIn } from 'xstate'
import { send, type Delivered, type NodeEffect, type UnreachableEvent } from 'distlab/node'
import type { Hello, Welcome } from './wire.ts'

const DIAL_TIMEOUT = 1000
const BACKOFF_MIN = 250
const BACKOFF_MAX = 4000
/** Failed parts (timeouts, bad bytes) after which the peer is dropped until it is dialed again. */
const STRIKES = 2

/** What this node says in a handshake: asked of the node each time, since it changes. */
export type Introduce = () => Omit<Hello, 'type'>

export interface PeerInput {
  address: string
  /** Whether the node dials this peer and asks it for parts (not: a stranger, without peer exchange). */
  mayAsk: boolean
  introduce: Introduce
}

interface Context extends PeerInput {
  /** The peer's incarnation (its random boot id); 0 before the first handshake. */
  boot: number
  /** Wait before the next dial, and the one after a failure. */
  wait: number
  backoff: number
  strikes: number
}

type Handshake = Delivered<Hello> | Delivered<Welcome>
/** Told by the node: a part failed (`peer.strike`), or both sides are complete (`peer.bye`). */
export type PeerCommand = { type: 'peer.strike' } | { type: 'peer.bye' }
type Event = Handshake | Delivered<{ type: 'BYE' }> | UnreachableEvent | PeerCommand

/** What a peer machine tells the node. */
export type PeerReport =
  | { type: 'peer.connected'; address: string; hello: Omit<Hello, 'type'> }
  | { type: 'peer.lost'; address: string }

export const peerMachine = setup({
  types: { input: {} as PeerInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  delays: {
    redial: ({ context }) => context.wait,
    dialTimeout: DIAL_TIMEOUT,
  },
  guards: {
    mayDial: ({ context }) => context.mayAsk,
    sameIncarnation: ({ context, event }) => (event as Handshake).boot === context.boot,
    struckOut: ({ context }) => context.strikes + 1 >= STRIKES,
  },
  actions: {
    sayHello: emit(({ context }) => send(context.address, { type: 'HELLO', ...context.introduce() }, { unreachable: true })),
    sayWelcome: emit(({ context }) => send(context.address, { type: 'WELCOME', ...context.introduce() })),
    sayBye: emit(({ context }) => send(context.address, { type: 'BYE' })),
    takeHandshake: assign({ boot: ({ event }) => (event as Handshake).boot, backoff: BACKOFF_MIN, strikes: 0 }),
    backOff: assign({ wait: ({ context }) => context.backoff, backoff: ({ context }) => Math.min(context.backoff * 2, BACKOFF_MAX) }),
    countStrike: assign({ strikes: ({ context }) => context.strikes + 1 }),
    reportConnected: sendParent(({ context, event }): PeerReport => {
      const { boot, peers, hasInfo, complete } = event as Handshake
      return { type: 'peer.connected', address: context.address, hello: { boot, peers: Array.isArray(peers) ? peers : [], hasInfo: hasInfo === true, complete: complete === true } }
    }),
    reportLost: sendParent(({ context }): PeerReport => ({ type: 'peer.lost', address: context.address })),
  },
}).createMachine({
  id: 'peer',
  context: ({ input }) => ({ ...input, boot: 0, wait: 0, backoff: BACKOFF_MIN, strikes: 0 }),
  initial: 'idle',
  states: {
    idle: {
      after: { redial: { guard: 'mayDial', target: 'dialing' } },
    },
    dialing: {
      entry: 'sayHello',
      on: {
        WELCOME: { target: 'connected', actions: 'takeHandshake' },
        'net.unreachable': { target: 'idle', actions: 'backOff' },
      },
      after: { dialTimeout: { target: 'idle', actions: 'backOff' } },
    },
    connected: {
      entry: 'reportConnected',
      exit: 'reportLost',
      on: {
        // A WELCOME to a HELLO of ours that crossed theirs: the same incarnation, nothing new.
        WELCOME: [{ guard: 'sameIncarnation' }, { target: 'connected', reenter: true, actions: 'takeHandshake' }],
        BYE: 'closed',
        'peer.bye': { target: 'closed', actions: 'sayBye' },
        'peer.strike': [{ guard: 'struckOut', target: 'idle', actions: 'backOff' }, { actions: 'countStrike' }],
        'net.unreachable': { target: 'idle', actions: 'backOff' },
      },
    },
    closed: {},
  },
  on: {
    // The peer dialed us (or restarted: a new incarnation forgets the old one's state).
    HELLO: [
      { guard: and([stateIn('#peer.connected'), 'sameIncarnation']), actions: 'sayWelcome' },
      { target: '.connected', reenter: true, actions: ['takeHandshake', 'sayWelcome'] },
    ],
  },
})
