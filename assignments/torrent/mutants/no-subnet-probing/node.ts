// BUG: a node told no peers waits to be found: it never probes its /24.
import { defineNode } from 'distlab/node'
import { torrentMachine } from '../../solution/node.ts'

export default defineNode({ machine: torrentMachine.provide({ guards: { mayProbe: () => false } }) })
