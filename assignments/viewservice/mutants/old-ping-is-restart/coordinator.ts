// BUG: a member pinging any number but the current view's is taken to have restarted.
import { defineNode } from 'distlab/node'
import { createCoordinatorMachine } from '../../solution/coordinator.ts'
import { rules } from '../../solution/rules.ts'

export default defineNode({
  machine: createCoordinatorMachine({
    ...rules,
    restart: (state, name, viewnum) => (name === state.view.master || name === state.view.backup) && viewnum !== state.view.number && (state.lastViewnum[name] ?? 0) > 0,
  }),
})
