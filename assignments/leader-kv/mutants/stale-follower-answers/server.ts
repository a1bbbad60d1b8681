// BUG: every GET is answered with the local value, however old.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({
  machine: serverMachine.provide({ guards: { fresh: () => true } }),
})
