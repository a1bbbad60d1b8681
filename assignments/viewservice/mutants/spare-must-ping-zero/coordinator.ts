// BUG: only a server whose latest ping carried 0 is taken as an idle server to become backup; an
// old master that comes back pinging the view number it last knew is never chosen.
import { defineNode } from 'distlab/node'
import { createCoordinatorMachine } from '../../solution/coordinator.ts'
import { rules } from '../../solution/rules.ts'

export default defineNode({
  machine: createCoordinatorMachine({
    ...rules,
    spare: (state, taken) => rules.spare({ ...state, lastPing: Object.fromEntries(Object.entries(state.lastPing).filter(([name]) => state.lastViewnum[name] === 0)) }, taken),
  }),
})
