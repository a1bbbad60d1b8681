// BUG: forwarded puts are taken from anyone, whatever view they come with.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({ machine: serverMachine.provide({ guards: { fromMyPrimary: () => true, hasCopy: () => true } }) })
