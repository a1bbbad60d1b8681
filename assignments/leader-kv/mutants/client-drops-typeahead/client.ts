// BUG: lines typed while a request is in flight are dropped instead of read once it is answered.
import { defineNode } from 'distlab/node'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({ machine: clientMachine.provide({ actions: { buffer: () => {} } }) })
