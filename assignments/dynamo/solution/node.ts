// The dynamo node (reference): the logic of core.ts as an xstate machine. Every message goes to
// its handler; the step it returns is applied by one action (new state, messages, timers). A
// parallel region hands hinted data over to its owners every HANDOFF_MS while there is any.
import { cancel, enqueueActions, raise, setup } from 'xstate'
import { defineNode, print, send, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import * as core from './core.ts'
import type { InternalMessage } from './internal.ts'
import { policy, type Policy } from './policy.ts'
import { hasHints, initialState, type NodeState } from './state.ts'

const HANDOFF_MS = 100

type Timeout = { type: 'op.timeout'; req: number }
type Incoming = Delivered<{ type: string } & Record<string, unknown>>
type Event = Incoming | Timeout

type Handler = (p: Policy, s: NodeState, e: Incoming) => core.Step

/** The handler for each message type; anything else gets an ERROR (answers are never answered). */
const handlers: Record<string, Handler> = {
  GET: (p, s, e) => core.clientGet(p, s, e.from, e),
  PUT: (p, s, e) => core.clientPut(p, s, e.from, e),
  LOOKUP: (p, s, e) => core.clientLookup(p, s, e.from, e),
  GET_MEMBERS: (p, s, e) => core.clientMembers(p, s, e.from),
  COUNT_RECORDS: (p, s, e) => core.clientCount(p, s, e.from),
  JOIN: (p, s, e) => core.clientJoin(p, s, e),
  LEAVE: (p, s) => core.clientLeave(p, s),
  JOIN_ME: (p, s, e) => core.joinMe(p, s, e as unknown as Extract<InternalMessage, { type: 'JOIN_ME' }>),
  MEMBERSHIP: (p, s, e) => core.membership(p, s, e as unknown as Extract<InternalMessage, { type: 'MEMBERSHIP' }>),
  R_GET: (p, s, e) => core.replicaGet(p, s, e.from, e as unknown as Extract<InternalMessage, { type: 'R_GET' }>),
  R_GET_RESP: (p, s, e) => core.replicaGetResp(p, s, e.from, e as unknown as Extract<InternalMessage, { type: 'R_GET_RESP' }>),
  R_PUT: (p, s, e) => core.replicaPut(p, s, e.from, e as unknown as Extract<InternalMessage, { type: 'R_PUT' }>),
  R_PUT_ACK: (p, s, e) => core.replicaPutAck(p, s, e.from, e as unknown as Extract<InternalMessage, { type: 'R_PUT_ACK' }>),
  COORDINATE: (p, s, e) => core.coordinate(p, s, e.from, e as unknown as Extract<InternalMessage, { type: 'COORDINATE' }>),
  COORDINATED: (p, s, e) => core.coordinated(p, s, e as unknown as Extract<InternalMessage, { type: 'COORDINATED' }>),
}
const ANSWERS = new Set(['ERROR', 'GET_RESP', 'PUT_RESP', 'LOOKUP_RESP', 'MEMBERS', 'COUNT_RECORDS_RESP'])

/** The node, deciding as `p` says (the reference: policy.ts). */
export function createNodeMachine(p: Policy = policy) {
  return setup({
  types: { input: {} as NodeInput, context: {} as { node: NodeState }, events: {} as Event, emitted: {} as NodeEffect },
  guards: {
    hasHints: ({ context }) => hasHints(context.node),
    known: ({ event }) => event.type in handlers,
    isAnswer: ({ event }) => ANSWERS.has(event.type),
  },
  actions: {
    handle: enqueueActions(({ context, event, enqueue }) => {
      const handler = handlers[event.type]
      if (handler) apply(enqueue, handler(p, context.node, event as Incoming))
    }),
    timeout: enqueueActions(({ context, event, enqueue }) => apply(enqueue, core.timeout(p, context.node, (event as Timeout).req))),
    handoff: enqueueActions(({ context, enqueue }) => apply(enqueue, core.handoff(p, context.node))),
    refuse: enqueueActions(({ event, enqueue }) => enqueue.emit(send((event as Incoming).from, { type: 'ERROR', reason: `unknown request '${event.type}'` }))),
  },
}).createMachine({
  id: 'dynamo',
  context: ({ input }) => ({ node: initialState(input.name, input.address) }),
  type: 'parallel',
  states: {
    handoff: {
      initial: 'quiet',
      states: {
        quiet: { always: { guard: 'hasHints', target: 'delivering' } },
        delivering: {
          always: { guard: ({ context }) => !hasHints(context.node), target: 'quiet' },
          after: { [HANDOFF_MS]: { target: 'delivering', reenter: true, actions: 'handoff' } },
        },
      },
    },
  },
  on: {
    'op.timeout': { actions: 'timeout' },
    '*': [{ guard: 'known', actions: 'handle' }, { guard: 'isAnswer' }, { actions: 'refuse' }],
  },
})
}

export const nodeMachine = createNodeMachine()

type Enqueue = Parameters<Parameters<typeof enqueueActions<{ node: NodeState }, Event, undefined, Event, never, never, never, never, NodeEffect>>[0]>[0]['enqueue']

function apply(enqueue: Enqueue, step: core.Step): void {
  enqueue.assign({ node: step.state })
  for (const { to, msg } of step.out) enqueue.emit(send(to, msg))
  for (const line of step.lines) enqueue.emit(print(line))
  for (const req of step.cancel) enqueue(cancel(`op-${req}`))
  for (const req of step.timers) enqueue(raise({ type: 'op.timeout', req } as Timeout, { delay: core.ROUND_MS, id: `op-${req}` }))
}

export default defineNode({ machine: nodeMachine, title: 'dynamo node' })
