// BUG: ls shows the first page the service gives (100 entries) and stops.
import { defineNode } from 'distlab/node'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({ machine: clientMachine.provide({ guards: { morePages: () => false } }) })
