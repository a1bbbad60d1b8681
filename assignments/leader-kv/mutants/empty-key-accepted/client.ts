// BUG: an empty line is taken as the key instead of asking for the key again.
import { defineNode } from 'distlab/node'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({ machine: clientMachine.provide({ guards: { hasKey: () => true } }) })
