// BUG: the primary answers every request by itself; puts never reach the backup.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({ machine: serverMachine.provide({ guards: { answerableNow: ({ context }) => context.queue.length > 0 } }) })
