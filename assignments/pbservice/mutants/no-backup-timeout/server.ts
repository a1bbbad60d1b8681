// BUG: a primary whose backup does not answer waits twice as long (four ticks) before it answers ERROR.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

export default defineNode({ machine: serverMachine.provide({ delays: { backupTimeout: ({ context }: { context: { tickInterval: number } }) => 4 * context.tickInterval } as never }) })
