// Patterns for pbservice, quoted in spec.md ("Patterns you will need"): each region is one small
// machine, and the lab's tsc checks them all, so the spec's code always compiles.
import { emit, enqueueActions, setup } from 'xstate'
import { protocolOf, send, type Delivered, type NodeEffect } from 'distlab/node'
import type { PbserviceMessage, Put } from 'distlab/protocol/pbservice'
import type { Ping } from 'distlab/protocol/viewservice'

const { reply } = protocolOf<PbserviceMessage>()

// #region timer
// Ping the coordinator every tick: an `after` delay, in virtual time, re-entered each time.
export const pinging = setup({
  types: { context: {} as { coordinator: string; self: string; viewnum: number }, emitted: {} as NodeEffect },
  delays: { tick: 100 },
}).createMachine({
  context: { coordinator: 'vs', self: 's1', viewnum: 0 },
  initial: 'running',
  states: {
    running: {
      entry: emit(({ context }) => send<Ping>(context.coordinator, { type: 'PING', viewnum: context.viewnum, name: context.self })),
      after: { tick: { target: 'running', reenter: true } },
    },
  },
})
// #endregion

// #region effects
// One handler, several effects: the primary applies a PUT and forwards it to its backup.
export const primary = setup({
  types: { context: {} as { data: Record<string, string>; backup: string; viewnum: number }, events: {} as Delivered<Put>, emitted: {} as NodeEffect },
  actions: {
    applyAndForward: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ data: { ...context.data, [event.key]: event.value } })
      const { key, value, client, seq } = event
      enqueue.emit(send<PbserviceMessage>(context.backup, { type: 'PUT_BACKUP', key, value, client, seq, viewnum: context.viewnum }))
    }),
  },
}).createMachine({ context: { data: {}, backup: 's2', viewnum: 1 }, on: { PUT: { actions: 'applyAndForward' } } })
// #endregion

// #region unknown
// `'*'` in the top state takes every event no other transition took: an unknown request gets
// ERROR. Answers (PUT_OK, ERROR, ...) are never answered, or two servers would bounce errors.
export const refusing = setup({
  types: { events: {} as Delivered<PbserviceMessage>, emitted: {} as NodeEffect },
}).createMachine({
  on: {
    GET: { actions: emit(({ event }) => reply(event, { type: 'ERROR', reason: 'not the primary', rid: event.rid })) },
    PUT_OK: {},
    GET_OK: {},
    ERROR: {},
    '*': { actions: emit(({ event }) => reply(event, { type: 'ERROR', reason: `unknown request '${event.type}'` })) },
  },
})
// #endregion
