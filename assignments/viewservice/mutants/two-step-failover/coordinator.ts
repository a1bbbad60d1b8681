// BUG: when the master dies, the backup is promoted alone; a spare joins only in a later view.
import { defineNode } from 'distlab/node'
import { createCoordinatorMachine } from '../../solution/coordinator.ts'
import { rules } from '../../solution/rules.ts'

export default defineNode({
  machine: createCoordinatorMachine({ ...rules, spare: (state, taken) => (rules.alive(state, state.view.master) ? rules.spare(state, taken) : null) }),
})
