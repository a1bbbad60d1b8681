// BUG: a silent server counts as alive one tick too long (deadPings + 1 ticks), an off-by-one.
import { defineNode } from 'distlab/node'
import { createCoordinatorMachine } from '../../solution/coordinator.ts'
import { rules, type Rules } from '../../solution/rules.ts'

const late: Rules = {
  ...rules,
  alive: (state, name) => name !== null && state.tick - (state.lastPing[name] ?? -Infinity) <= state.deadPings && !state.restarted.includes(name),
}
late.successor = (state) => (late.alive(state, state.view.backup) ? state.view.backup : null)

export default defineNode({ machine: createCoordinatorMachine(late) })
