// The mutants of a reference, read off its statecharts: each named guard forced true and forced
// false, each named action dropped, each field of a named assign left unchanged, each delay (named
// or inline in `after`) halved and doubled, each transition target redirected to each sibling
// state. A mutant is one such change to one role's machine, or to a machine it spawns or invokes
// (listed in its `actors`: a torrent peer, a download), however deep; its name says what it is.
import type { AnyStateMachine } from 'xstate'
import { isMachine, type Change, type Mutation } from './applyMutation.ts'

export interface MutantPlan {
  /** A file-name-safe id: `server.guard-fresh-true`. */
  slug: string
  role: string
  /** One line for people: `server: guard 'fresh' always true`. */
  description: string
  mutation: Mutation
}

type Config = Record<string, unknown>
type Path = Array<string | number>

export function deriveMutants(role: string, machine: AnyStateMachine, within: string[] = []): MutantPlan[] {
  const plans: MutantPlan[] = []
  const where = [role, ...within].join('.')
  const add = (slug: string, description: string, change: Change): void => {
    const mutation = (within.length ? { ...change, within } : change) as Mutation
    plans.push({ slug: `${where}.${slug}`.replace(/[^\w.-]+/g, '_'), role, description: `${within.length ? `${role}'s ${within.join("'s ")}` : role}: ${description}`, mutation })
  }
  const impl = machine.implementations as unknown as { guards: Config; actions: Config; delays: Config; actors: Config }
  // Machines it spawns or invokes: mutated in place, the parent otherwise the reference's.
  for (const [name, actor] of Object.entries(impl.actors ?? {})) {
    if (isMachine(actor)) plans.push(...deriveMutants(role, actor, [...within, name]))
  }
  for (const name of Object.keys(impl.guards)) {
    add(`guard-${name}-true`, `guard '${name}' always true`, { kind: 'guard', name, value: true })
    add(`guard-${name}-false`, `guard '${name}' always false`, { kind: 'guard', name, value: false })
  }
  for (const [name, action] of Object.entries(impl.actions)) {
    add(`drop-${name}`, `action '${name}' does nothing`, { kind: 'action', name })
    const assignment = (action as { assignment?: unknown }).assignment
    if (assignment && typeof assignment === 'object') {
      for (const field of Object.keys(assignment)) add(`keep-${name}-${field}`, `action '${name}' leaves context.${field} unchanged`, { kind: 'assign', name, field })
    }
  }
  for (const name of Object.keys(impl.delays)) {
    add(`delay-${name}-half`, `delay '${name}' halved`, { kind: 'delay', name, factor: 0.5 })
    add(`delay-${name}-double`, `delay '${name}' doubled`, { kind: 'delay', name, factor: 2 })
  }
  walk(machine.config as Config, [], null, add)
  return plans
}

/** Inline `after` delays and transition targets, in every state below `node`. */
function walk(node: Config, path: Path, siblings: string[] | null, add: (slug: string, description: string, change: Change) => void): void {
  const where = path.filter((p, i) => path[i - 1] === 'states').join('.') || '(root)'
  const after = node.after as Config | undefined
  if (after && typeof after === 'object') {
    for (const delay of Object.keys(after).filter((k) => /^\d+(\.\d+)?$/.test(k))) {
      add(`after-${where}-${delay}-half`, `in ${where}, after ${delay} ms becomes ${Number(delay) / 2} ms`, { kind: 'after', path: [...path, 'after'], delay, factor: 0.5 })
      add(`after-${where}-${delay}-double`, `in ${where}, after ${delay} ms becomes ${Number(delay) * 2} ms`, { kind: 'after', path: [...path, 'after'], delay, factor: 2 })
    }
  }
  if (siblings) {
    for (const [field, transitions] of [['on', node.on], ['after', node.after], ['always', node.always]] as const) {
      for (const [tPath, target, label] of targets(transitions, [...path, field], field)) {
        for (const other of siblings.filter((s) => s !== target)) {
          add(`target-${where}-${label}-${other}`, `in ${where}, ${label} goes to '${other}' instead of '${target}'`, { kind: 'target', path: tPath, to: other })
        }
      }
    }
  }
  const states = node.states as Record<string, Config> | undefined
  if (!states) return
  const names = Object.keys(states)
  for (const name of names) walk(states[name] as Config, [...path, 'states', name], names, add)
}

/** [path of the transition, its target, a label] for each plain sibling target under `field`. */
function targets(value: unknown, path: Path, field: string): Array<[Path, string, string]> {
  if (value === undefined || value === null) return []
  if (field === 'always') return listed(value, path, 'the eventless transition')
  const found: Array<[Path, string, string]> = []
  for (const [key, transitions] of Object.entries(value as Config)) found.push(...listed(transitions, [...path, key], field === 'on' ? key : `after ${key}`))
  return found
}

function listed(value: unknown, path: Path, label: string): Array<[Path, string, string]> {
  const items = Array.isArray(value) ? value.map((v, i) => [v, [...path, i]] as const) : [[value, path] as const]
  const found: Array<[Path, string, string]> = []
  items.forEach(([transition, at], i) => {
    const target = typeof transition === 'string' ? transition : (transition as { target?: unknown } | null)?.target
    const name = items.length > 1 ? `${label}[${i}]` : label
    if (typeof target === 'string' && /^\w+$/.test(target)) found.push([at as Path, target, name])
  })
  return found
}
