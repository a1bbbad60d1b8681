// BUG: a master that pings 0 (it rebooted and lost its data) is still taken for alive.
import { defineNode } from 'distlab/node'
import { createCoordinatorMachine } from '../../solution/coordinator.ts'
import { rules } from '../../solution/rules.ts'

export default defineNode({
  machine: createCoordinatorMachine({ ...rules, restart: (state, name, viewnum) => name !== state.view.master && rules.restart(state, name, viewnum) }),
})
