// BUG: every copy, move and upload is sent with overwrite=true: an existing file is replaced without --overwrite.
import { emit } from 'xstate'
import { defineNode, httpRequest, send } from 'distlab/node'
import { callMachine } from '../../solution/apiCall.ts'
import { clientMachine } from '../../solution/client.ts'

const overwriting = (path: string): string => (/\/resources\/(copy|move|upload)\?/.test(path) && !/[?&]overwrite=/.test(path) ? `${path}&overwrite=true` : path)

export default defineNode({
  machine: clientMachine.provide({
    actors: {
      call: callMachine.provide({
        actions: {
          sendRequest: emit(({ context }) => send(context.to, httpRequest(context.ridBase + context.attempt, context.method, overwriting(context.path), { headers: context.headers, body: context.body ?? '' }), { unreachable: true })),
        },
      }),
    },
  }),
})
