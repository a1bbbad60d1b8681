// BUG: the view changes without waiting for the master to acknowledge the current one.
import { defineNode } from 'distlab/node'
import { coordinatorMachine } from '../../solution/coordinator.ts'

export default defineNode({ machine: coordinatorMachine.provide({ guards: { acked: () => true } }) })
