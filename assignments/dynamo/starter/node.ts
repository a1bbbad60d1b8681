// A dynamo node: a starting point that type-checks and loads, and answers every request with
// ERROR. spec.md says what it must do; its "Patterns you will need" shows how. Messages between
// nodes are yours to define: add them to the Event union (and send them with `send`).
import { emit, setup } from 'xstate'
import { defineNode, send, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import type { ClientReply, ClientRequest } from 'distlab/protocol/dynamo'

interface Context {
  self: string
  members: string[]
}

type Event = Delivered<ClientRequest>

/** Clients hear only these: `send` narrowed to the replies, so a misspelled field is a type error. */
const answer = (event: Delivered<ClientRequest>, message: ClientReply) => send(event.from, message)

export const nodeMachine = setup({
  types: { input: {} as NodeInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: GET, PUT, LOOKUP, JOIN, LEAVE, GET_MEMBERS, COUNT_RECORDS.
    notYet: emit(({ event }) => answer(event, { type: 'ERROR', reason: `${event.type} is not implemented yet` })),
  },
}).createMachine({
  id: 'node',
  context: ({ input }) => ({ self: input.name, members: [] }),
  initial: 'alone',
  states: { alone: {} },
  on: {
    // JOIN and LEAVE get no reply.
    JOIN: {},
    LEAVE: {},
    '*': { actions: 'notYet' },
  },
})

export default defineNode({ machine: nodeMachine, title: 'dynamo node' })
