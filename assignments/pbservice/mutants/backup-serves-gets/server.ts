// BUG: the backup answers a client's GET from its own copy instead of refusing.
import { emit } from 'xstate'
import { defineNode, reply } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({
  machine: serverMachine.provide({
    actions: {
      refuseNotPrimary: emit(({ context, event }) =>
        event.type === 'GET' ? reply(event, { type: 'GET_OK', value: context.store[String(event.key)] ?? null, rid: event.rid }) : reply(event, { type: 'ERROR', reason: 'not the primary', rid: event.rid }),
      ),
    },
  }),
})
