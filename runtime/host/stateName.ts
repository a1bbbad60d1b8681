import type { StateValue } from 'xstate'

/** `idle`, `replicating.waiting`, or `{a.x | b.y}` for parallel regions: short enough for a trace column. */
export function stateName(value: StateValue): string {
  if (typeof value === 'string') return value
  const parts = Object.entries(value).map(([key, child]) =>
    child === undefined ? key : `${key}.${stateName(child as StateValue)}`,
  )
  return parts.length === 1 ? (parts[0] as string) : `{${parts.join(' | ')}}`
}
