// One part asked of one peer: its blocks arrive, the whole part is hashed on the pool, and the
// node hears how it ended. Spawned by the node for every part it asks for (two per part in the
// endgame); it ends in a final state and reports to the node:
//
//   receiving ──last block──▶ verifying ──digest matches──▶ verified
//       │   └──no block for PIECE_TIMEOUT──▶ stalled    └──differs──▶ corrupt
//       └──a block that does not fit──▶ corrupt
//
// The part's bytes are collected in one buffer written in place (a part may be MiBs).
import { and, assign, emit, sendParent, setup } from 'xstate'
import { hash, type HashedEvent, type NodeEffect } from 'distlab/node'
import type { Piece } from './wire.ts'

/** No block of a part for this long: ask someone else. */
const PIECE_TIMEOUT = 3000

export interface DownloadInput {
  part: number
  peer: string
  length: number
  /** The part's SHA-1 from FileInfo. */
  digest: string | undefined
}

interface Context extends DownloadInput {
  data: Uint8Array | null
  got: number
  /** Virtual time of the last block (or of the request). */
  since: number
}

/** What a download tells the node that spawned it. */
export type DownloadReport =
  /** Every byte is in and being checked: the peer's pipeline slot is free again. */
  | { type: 'download.received'; part: number; peer: string }
  | { type: 'download.verified'; part: number; peer: string; data: Uint8Array }
  | { type: 'download.failed'; part: number; peer: string; why: 'corrupt' | 'stalled' }

type Event = ({ type: 'PIECE' } & Omit<Piece, 'type'>) | HashedEvent

export const downloadMachine = setup({
  types: { input: {} as DownloadInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  delays: { pieceTimeout: PIECE_TIMEOUT },
  guards: {
    blockFits: ({ context, event }) => event.type === 'PIECE' && event.data instanceof Uint8Array && Number.isInteger(event.offset) && event.offset >= 0 && event.offset + event.data.length <= context.length,
    /** The block completes the part. */
    lastBlock: ({ context, event }) => event.type === 'PIECE' && context.got + (event.data as Uint8Array).length >= context.length,
    stalled: ({ context }) => Date.now() - context.since >= PIECE_TIMEOUT,
    digestMatches: ({ context, event }) => event.type === 'pool.hashed' && event.digests[0] === context.digest,
  },
  actions: {
    storeBlock: assign(({ context, event }) => {
      const { offset, data } = event as Piece
      const buffer = context.data ?? new Uint8Array(context.length)
      buffer.set(data, offset)
      return { data: buffer, got: context.got + data.length, since: Date.now() }
    }),
    // The buffer goes to the pool and comes back with the digest.
    hashPart: emit(({ context }) => hash(downloadKey(context.part, context.peer), context.data as Uint8Array)),
    keepHashedBytes: assign({ data: ({ event }) => (event as HashedEvent).data }),
    reportReceived: sendParent(({ context }): DownloadReport => ({ type: 'download.received', part: context.part, peer: context.peer })),
    reportVerified: sendParent(({ context }): DownloadReport => ({ type: 'download.verified', part: context.part, peer: context.peer, data: context.data as Uint8Array })),
    reportCorrupt: sendParent(({ context }): DownloadReport => ({ type: 'download.failed', part: context.part, peer: context.peer, why: 'corrupt' })),
    reportStalled: sendParent(({ context }): DownloadReport => ({ type: 'download.failed', part: context.part, peer: context.peer, why: 'stalled' })),
  },
}).createMachine({
  id: 'download',
  context: ({ input }) => ({ ...input, data: null, got: 0, since: Date.now() }),
  initial: 'receiving',
  states: {
    receiving: {
      on: {
        // A block neither leaves nor re-enters the state: the stall check keeps its timer.
        PIECE: [{ guard: and(['blockFits', 'lastBlock']), actions: 'storeBlock', target: 'verifying' }, { guard: 'blockFits', actions: 'storeBlock' }, { target: 'corrupt' }],
      },
      after: { pieceTimeout: [{ guard: 'stalled', target: 'stalled' }, { target: 'receiving', reenter: true }] },
    },
    verifying: {
      entry: ['reportReceived', 'hashPart'],
      on: {
        'pool.hashed': [{ guard: 'digestMatches', actions: 'keepHashedBytes', target: 'verified' }, { target: 'corrupt' }],
      },
    },
    verified: { type: 'final', entry: 'reportVerified' },
    corrupt: { type: 'final', entry: 'reportCorrupt' },
    stalled: { type: 'final', entry: 'reportStalled' },
  },
})

/** The download's id among the node's children, and the id of its hash job. */
export function downloadKey(part: number, peer: string): string {
  return `part ${part} from ${peer}`
}
