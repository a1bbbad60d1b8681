// BUG: a download is collected in memory and written out at the end: a file as big as the client's
// memory cannot be downloaded.
import { enqueueActions } from 'xstate'
import { defineNode, send } from 'distlab/node'
import { clientMachine } from '../../solution/client.ts'

const held: Uint8Array[] = []
const { verify } = clientMachine.implementations.actions
export default defineNode({
  machine: clientMachine.provide({
    actions: {
      takePiece: enqueueActions(({ event, enqueue }) => {
        if (event.type !== 'HTTP_BODY') return
        held.push(event.data)
        enqueue.emit(send(event.from, { type: 'HTTP_BODY_ACK', rid: event.rid, seq: event.seq }))
      }),
      verify: enqueueActions(({ context, enqueue }) => {
        for (const piece of held.splice(0)) context.part?.write(piece)
        if (verify) enqueue(verify as Parameters<typeof enqueue>[0])
      }),
    },
  }),
})
