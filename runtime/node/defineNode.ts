import { createActor, type AnyStateMachine } from 'xstate'

// A brand that survives bundling: the host checks it without sharing module identity.
export const NODE_BRAND: unique symbol = Symbol.for('distlab.node') as never

export interface NodeDefinition<TMachine extends AnyStateMachine = AnyStateMachine> {
  readonly [NODE_BRAND]: true
  readonly machine: TMachine
  /** How the lab and errors name this kind of node: `leader-kv server`. */
  readonly title?: string
  /**
   * xstate's createActor from the node's own bundle: the host runs the machine with the xstate
   * the node was built against and never loads a second copy (a worker boots ~10 ms faster).
   */
  readonly createActor: typeof createActor
}

/**
 * Declares a node: `export default defineNode({ machine })`. The runtime creates one actor from
 * `machine` per node incarnation, with `input: NodeInput`, in the node's own worker thread.
 */
export function defineNode<TMachine extends AnyStateMachine>(definition: {
  machine: TMachine
  title?: string
}): NodeDefinition<TMachine> {
  const machine: unknown = definition?.machine
  if (!isMachine(machine)) {
    throw new TypeError(
      'defineNode({ machine }): `machine` must be an xstate v5 state machine (setup(...).createMachine(...))',
    )
  }
  return { [NODE_BRAND]: true, machine: definition.machine, title: definition.title, createActor }
}

export function isNodeDefinition(value: unknown): value is NodeDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[NODE_BRAND] === true
}

function isMachine(value: unknown): value is AnyStateMachine {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as { transition?: unknown; getInitialSnapshot?: unknown }
  return typeof candidate.transition === 'function' && typeof candidate.getInitialSnapshot === 'function'
}
