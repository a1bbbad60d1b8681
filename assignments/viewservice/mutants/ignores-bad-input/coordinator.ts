// BUG: malformed and unknown requests get no answer at all.
import { defineNode } from 'distlab/node'
import { coordinatorMachine } from '../../solution/coordinator.ts'

export default defineNode({ machine: coordinatorMachine.provide({ actions: { refusePing: () => {}, refuseUnknown: () => {} } }) })
