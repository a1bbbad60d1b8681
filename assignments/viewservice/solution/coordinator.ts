// The viewservice coordinator (reference). It keeps the view, counts ticks, answers pings with
// the current view and changes the view when a member died or restarted, but only once the
// master has acknowledged the current one.
import { and, assign, emit, enqueueActions, raise, setup } from 'xstate'
import { defineNode, print, protocolOf, type Delivered, type NodeEffect, type NodeInput } from 'distlab/node'
import { DEFAULT_DEAD_PINGS, DEFAULT_TICK_INTERVAL, type CoordinatorConfig, type View, type ViewserviceMessage } from 'distlab/protocol/viewservice'
import { nextView, recordPing, rules, type CoordinatorState, type Rules } from './rules.ts'

const { reply, send } = protocolOf<ViewserviceMessage>()

interface Context extends CoordinatorState {
  tickInterval: number
}

/** Raised after a PING so the reply carries the view after any change the ping caused. */
type AnswerView = { type: 'coordinator.answer'; to: string }
type Incoming = { type: string; from: string; viewnum?: unknown; name?: unknown }
type Event = Delivered<Incoming> | AnswerView

const show = (view: View): string => `view ${view.number}: master ${view.master ?? 'none'}, backup ${view.backup ?? 'none'}`

/**
 * The coordinator, applying `r`. The reference uses the rules of rules.ts; a variant with one rule
 * changed is `createCoordinatorMachine({ ...rules, successor: ... })` (see mutants/).
 */
export function createCoordinatorMachine(r: Rules = rules) {
  return setup({
    types: { input: {} as NodeInput<CoordinatorConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
    delays: { tick: ({ context }) => context.tickInterval },
    guards: {
      validPing: ({ event }) => 'viewnum' in event && Number.isInteger(event.viewnum) && (event.viewnum as number) >= 0 && typeof event.name === 'string' && event.name !== '',
      acked: ({ context }) => context.acked,
      viewShouldChange: ({ context }) => nextView(context, r) !== null,
    },
    actions: {
      recordPing: enqueueActions(({ context, event, enqueue }) => {
        const ping = event as Delivered<{ type: 'PING'; viewnum: number; name: string }>
        const next = recordPing(context, ping.name, ping.viewnum, r)
        enqueue.assign(next)
        if (next.view.number !== context.view.number) enqueue.emit(print(show(next.view)))
      }),
      applyChange: enqueueActions(({ context, enqueue }) => {
        const view = nextView(context, r)
        if (!view) return
        enqueue.assign({ view, acked: false, restarted: [] })
        enqueue.emit(print(show(view)))
      }),
      advanceTick: assign({ tick: ({ context }) => context.tick + 1 }),
      answerPing: raise(({ event }) => ({ type: 'coordinator.answer' as const, to: (event as Delivered<Incoming>).from })),
      sendView: emit(({ context, event }) => send((event as AnswerView).to, { type: 'VIEW', ...context.view })),
      answerView: emit(({ context, event }) => reply(event as Delivered<Incoming>, { type: 'VIEW', ...context.view })),
      answerMaster: emit(({ context, event }) => reply(event as Delivered<Incoming>, { type: 'MASTER_IS', master: context.view.master })),
      refusePing: emit(({ event }) => reply(event as Delivered<Incoming>, { type: 'ERROR', reason: 'PING needs viewnum (a non-negative integer) and name (a non-empty string)' })),
      refuseUnknown: emit(({ event }) => reply(event as Delivered<Incoming>, { type: 'ERROR', reason: `unknown request '${event.type}'; the coordinator takes PING, MASTER and GET_VIEW` })),
    },
  }).createMachine({
    id: 'coordinator',
    context: ({ input }) => ({
      view: { number: 0, master: null, backup: null },
      acked: false,
      tick: 0,
      lastPing: {},
      lastViewnum: {},
      restarted: [],
      deadPings: input.config.deadPings ?? DEFAULT_DEAD_PINGS,
      tickInterval: input.config.tickInterval ?? DEFAULT_TICK_INTERVAL,
    }),
    initial: 'serving',
    states: {
      serving: {
        after: { tick: { target: 'serving', reenter: true, actions: 'advanceTick' } },
        // A change waits for the master's acknowledgement; checked after every event.
        always: { guard: and(['acked', 'viewShouldChange']), actions: 'applyChange' },
      },
    },
    on: {
      PING: [{ guard: 'validPing', actions: ['recordPing', 'answerPing'] }, { actions: 'refusePing' }],
      'coordinator.answer': { actions: 'sendView' },
      GET_VIEW: { actions: 'answerView' },
      MASTER: { actions: 'answerMaster' },
      // Answers are never answered (two machines must not bounce errors back and forth).
      VIEW: {},
      MASTER_IS: {},
      ERROR: {},
      '*': { actions: 'refuseUnknown' },
    },
  })
}

export const coordinatorMachine = createCoordinatorMachine()

export default defineNode({ machine: coordinatorMachine, title: 'viewservice coordinator' })
