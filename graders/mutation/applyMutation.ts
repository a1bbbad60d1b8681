// One statechart-level mutation, applied to a node definition when a generated mutant module
// loads (graders/mutation/generate.ts writes those modules). Named guards, actions and delays are
// swapped through xstate's `machine.provide`; inline `after` delays and transition targets are
// changed in a copy of the machine's config, rebuilt with the same implementations.
import { assign, createMachine, type AnyStateMachine } from 'xstate'
import { defineNode, type NodeDefinition } from 'distlab/node'

/** One change to one machine. */
export type Change =
  | { kind: 'guard'; name: string; value: boolean }
  | { kind: 'action'; name: string }
  | { kind: 'assign'; name: string; field: string }
  | { kind: 'delay'; name: string; factor: number }
  | { kind: 'after'; path: Array<string | number>; delay: string; factor: number }
  | { kind: 'target'; path: Array<string | number>; to: string }

/** A change to the role's machine, or (`within`) to a machine it spawns, by its `actors` names. */
export type Mutation = Change & { within?: string[] }

type Config = Record<string | number, unknown>

export function applyMutation(reference: NodeDefinition, mutation: Mutation): NodeDefinition {
  return defineNode({ machine: mutateWithin(reference.machine, mutation, mutation.within ?? []), title: reference.title })
}

export function isMachine(actor: unknown): actor is AnyStateMachine {
  return typeof actor === 'object' && actor !== null && 'config' in actor && 'implementations' in actor && typeof (actor as { provide?: unknown }).provide === 'function'
}

/** The machine with the change applied to the actor reached through `within` (a path of `actors` names). */
function mutateWithin(machine: AnyStateMachine, change: Change, within: string[]): AnyStateMachine {
  if (within.length === 0) return mutate(machine, change)
  const [name, ...rest] = within as [string, ...string[]]
  const child = (machine.implementations as unknown as { actors: Record<string, unknown> }).actors[name]
  if (!isMachine(child)) throw new Error(`mutation: the machine has no child machine '${name}' in its actors`)
  return machine.provide({ actors: { [name]: mutateWithin(child, change, rest) } } as never)
}

function mutate(machine: AnyStateMachine, m: Change): AnyStateMachine {
  const implementations = machine.implementations as unknown as { actions: Config; guards: Config; delays: Config }
  switch (m.kind) {
    case 'guard':
      return machine.provide({ guards: { [m.name]: () => m.value } })
    case 'action':
      return machine.provide({ actions: { [m.name]: () => {} } })
    case 'assign': {
      const original = implementations.actions[m.name] as { assignment: Config }
      const { [m.field]: _left, ...rest } = original.assignment
      return machine.provide({ actions: { [m.name]: assign(rest as never) } })
    }
    case 'delay': {
      const original = implementations.delays[m.name]
      const delay = (args: unknown): number => (typeof original === 'function' ? (original as (a: unknown) => number)(args) : (original as number)) * m.factor
      return machine.provide({ delays: { [m.name]: delay } })
    }
    case 'after':
    case 'target': {
      const config = copy(machine.config) as Config
      if (m.kind === 'target') {
        // The path names a transition: a target string (`on: { E: 'idle' }`) or an object with one.
        const parent = at(config, m.path.slice(0, -1))
        const key = m.path.at(-1) as string | number
        if (typeof parent[key] === 'string') parent[key] = m.to
        else (parent[key] as Config).target = m.to
      } else {
        const holder = at(config, m.path)
        holder[String(Number(m.delay) * m.factor)] = holder[m.delay]
        delete holder[m.delay]
      }
      return (createMachine(config as never) as AnyStateMachine).provide(implementations as never)
    }
  }
}

/** A deep copy of plain objects and arrays; functions and everything else are shared. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy)
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]))
  }
  return value
}

function at(config: Config, path: Array<string | number>): Config {
  let node: Config = config
  for (const key of path) node = node[key] as Config
  return node
}
