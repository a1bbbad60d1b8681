// BUG: when master and backup are both gone, an idle server (which has no data) is made master.
import { defineNode } from 'distlab/node'
import { createCoordinatorMachine } from '../../solution/coordinator.ts'
import { rules } from '../../solution/rules.ts'

export default defineNode({
  machine: createCoordinatorMachine({
    ...rules,
    successor: (state) => (rules.alive(state, state.view.backup) ? state.view.backup : rules.spare(state, [state.view.master, state.view.backup])),
  }),
})
