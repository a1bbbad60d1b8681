// BUG: a stand-in keeps the copies it took for an unreachable replica; they never reach it.
import { defineNode } from 'distlab/node'
import { nodeMachine } from '../../solution/node.ts'

export default defineNode({ machine: nodeMachine.provide({ actions: { handOff: () => {} } }) })
