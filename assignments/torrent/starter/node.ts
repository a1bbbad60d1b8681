// A torrent node: a starting point that type-checks and loads, and does nothing yet. spec.md says
// what it must do; its "Patterns you will need" shows how. The messages between nodes are yours:
// define them as a union (like the Hello below) and send them with `send`.
import { join } from 'node:path'
import { emit, setup } from 'xstate'
import { defineNode, print, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import { CONF_FILE, DATA_FILE } from 'distlab/protocol/torrent'

/** An example of your own message type. */
interface Hello {
  type: 'HELLO'
  parts: number[]
}

interface Context {
  /** Where torrent.conf and data.bin are. */
  confPath: string
  dataPath: string
}

type Event = Delivered<Hello>

export const torrentMachine = setup({
  types: { input: {} as NodeInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: read torrent.conf, check data.bin's parts, trade parts with peers, print "complete".
    notYet: emit(({ event }) => print(`${event.type} from ${event.from} is not handled yet`)),
  },
}).createMachine({
  id: 'torrent',
  context: ({ input }) => ({ confPath: join(input.dataDir, CONF_FILE), dataPath: join(input.dataDir, DATA_FILE) }),
  initial: 'starting',
  states: { starting: {} },
  on: { '*': { actions: 'notYet' } },
})

export default defineNode({ machine: torrentMachine, title: 'torrent node' })
