// The torrent node (reference): torrent.ts's logic as an xstate machine. One region shows where
// the node is in its life (waiting for FileInfo, checking its own file, downloading, seeding),
// the other ticks every TICK_MS; every event goes to the Torrent object, whose effects are emitted.
import { enqueueActions, setup } from 'xstate'
import { defineNode, type NodeEffect, type NodeInput } from 'distlab/node'
import { policy, type Policy } from './policy.ts'
import { TICK_MS, Torrent, type TorrentEvent } from './torrent.ts'

type Event = TorrentEvent | { type: 'tick' }

export function createTorrentMachine(p: Policy = policy) {
  return setup({
    types: { input: {} as NodeInput, context: {} as { torrent: Torrent }, events: {} as Event, emitted: {} as NodeEffect },
    guards: {
      hasInfo: ({ context }) => context.torrent.hasInfo,
      scanned: ({ context }) => context.torrent.scanned,
      complete: ({ context }) => context.torrent.complete,
    },
    actions: {
      start: enqueueActions(({ context, enqueue }) => {
        for (const effect of context.torrent.start()) enqueue.emit(effect)
      }),
      handle: enqueueActions(({ context, event, enqueue }) => {
        for (const effect of context.torrent.handle(event as TorrentEvent)) enqueue.emit(effect)
      }),
      tick: enqueueActions(({ context, enqueue }) => {
        for (const effect of context.torrent.tick()) enqueue.emit(effect)
      }),
    },
  }).createMachine({
    id: 'torrent',
    context: ({ input }) => ({ torrent: new Torrent(input, p) }),
    entry: 'start',
    type: 'parallel',
    states: {
      phase: {
        initial: 'awaitingInfo',
        states: {
          awaitingInfo: { always: { guard: 'hasInfo', target: 'checking' } },
          checking: { always: { guard: 'scanned', target: 'downloading' } },
          downloading: { always: { guard: 'complete', target: 'seeding' } },
          seeding: {},
        },
      },
      clock: {
        initial: 'ticking',
        states: { ticking: { after: { [TICK_MS]: { target: 'ticking', reenter: true, actions: 'tick' } } } },
      },
    },
    on: { '*': { actions: 'handle' } },
  })
}

export default defineNode({ machine: createTorrentMachine(), title: 'torrent node' })
