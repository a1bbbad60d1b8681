// BUG: the primary answers GETs without checking with its backup that it is still the primary.
import { defineNode } from 'distlab/node'
import { answerableNow, serverMachine } from '../../solution/server.ts'

export default defineNode({
  machine: serverMachine.provide({ guards: { answerableNow: ({ context }) => context.queue[0]?.op === 'get' || answerableNow(context) } }),
})
