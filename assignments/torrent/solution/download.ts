// One part asked of one peer: the node collects its blocks (trade.ts, in place: a part may be MiBs)
// and says when they are all in, or when one did not fit; the whole part is then hashed on the
// pool, and the node hears how it ended. Spawned by the node for every part it asks for (two per
// part in the endgame); it ends in a final state and reports to the node:
//
//   receiving ──every block in──▶ verifying ──digest matches──▶ verified
//       │   └──no block for pieceTimeout──▶ stalled    └──differs──▶ corrupt
//       └──a block that does not fit──▶ corrupt
import { enqueueActions, sendParent, setup } from 'xstate'
import { hash, type HashedEvent, type NodeEffect } from 'distlab/node'
import type { Asked } from './trade.ts'

/** No block of a part for this long: ask someone else. */
const PIECE_TIMEOUT = 3000

export interface DownloadInput {
  /** The part, its peer and its bytes so far: shared with the node, which fills it. */
  asked: Asked
  /** The part's SHA-1 from FileInfo. */
  digest: string | undefined
}

type Context = DownloadInput

/** What a download tells the node that spawned it. */
export type DownloadReport =
  | { type: 'download.verified'; part: number; peer: string; data: Uint8Array }
  | { type: 'download.failed'; part: number; peer: string; why: 'corrupt' | 'stalled' }

/** From the node: every block of the part is in, or one did not fit. */
export type BlockNews = { type: 'download.arrived' } | { type: 'download.badBlock' }
type Event = BlockNews | HashedEvent

export const downloadMachine = setup({
  types: { input: {} as DownloadInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  delays: { pieceTimeout: PIECE_TIMEOUT },
  guards: {
    stalled: ({ context }) => Date.now() - context.asked.since >= PIECE_TIMEOUT,
    digestMatches: ({ context, event }) => event.type === 'pool.hashed' && event.digests[0] === context.digest,
  },
  actions: {
    // The buffer goes to the pool (handed over: the node's record forgets it) and comes back with the digest.
    hashPart: enqueueActions(({ context, enqueue }) => {
      const bytes = context.asked.data as Uint8Array
      context.asked.data = null
      enqueue.emit(hash(downloadKey(context.asked.part, context.asked.peer), bytes))
    }),
    keepHashedBytes: ({ context, event }) => {
      context.asked.data = (event as HashedEvent).data
    },
    // The verified bytes go to the node, which writes them; the record forgets them (a finished
    // download's record must not keep a part's buffer alive: 256 MiB over a whole file).
    reportVerified: enqueueActions(({ context, enqueue }) => {
      const data = context.asked.data as Uint8Array
      context.asked.data = null
      enqueue.sendParent({ type: 'download.verified', part: context.asked.part, peer: context.asked.peer, data } satisfies DownloadReport)
    }),
    reportCorrupt: sendParent(({ context }): DownloadReport => ({ type: 'download.failed', part: context.asked.part, peer: context.asked.peer, why: 'corrupt' })),
    reportStalled: sendParent(({ context }): DownloadReport => ({ type: 'download.failed', part: context.asked.part, peer: context.asked.peer, why: 'stalled' })),
  },
}).createMachine({
  id: 'download',
  context: ({ input }) => input,
  initial: 'receiving',
  states: {
    receiving: {
      on: { 'download.arrived': 'verifying', 'download.badBlock': 'corrupt' },
      after: { pieceTimeout: [{ guard: 'stalled', target: 'stalled' }, { target: 'receiving', reenter: true }] },
    },
    verifying: {
      entry: 'hashPart',
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
