// Versions with vector clocks: which version descends from which, which are concurrent
// (siblings), and how `cart*` keys merge concurrent versions into one.

export type Clock = Record<string, number>

export interface Version {
  value: string
  clock: Clock
}

/** The metadata string of a clock: canonical (sorted keys), so equal clocks give equal strings. */
export function encodeClock(clock: Clock): string {
  return JSON.stringify(Object.fromEntries(Object.entries(clock).sort(([a], [b]) => (a < b ? -1 : 1))))
}

/** The clock in a metadata string, or null when it is not one. */
export function decodeClock(metadata: unknown): Clock | null {
  if (typeof metadata !== 'string') return null
  try {
    const value: unknown = JSON.parse(metadata)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
    const entries = Object.entries(value as Record<string, unknown>)
    return entries.every(([, n]) => Number.isInteger(n) && (n as number) > 0) ? (value as Clock) : null
  } catch {
    return null
  }
}

/** a ≤ b: every counter of a is at most b's. */
export function happenedBefore(a: Clock, b: Clock): boolean {
  return Object.entries(a).every(([node, n]) => n <= (b[node] ?? 0))
}

export function sameClock(a: Clock, b: Clock): boolean {
  return happenedBefore(a, b) && happenedBefore(b, a)
}

export function mergeClocks(clocks: Clock[]): Clock {
  const merged: Clock = {}
  for (const clock of clocks) for (const [node, n] of Object.entries(clock)) merged[node] = Math.max(merged[node] ?? 0, n)
  return merged
}

export function increment(clock: Clock, node: string): Clock {
  return { ...clock, [node]: (clock[node] ?? 0) + 1 }
}

export const isCart = (key: string): boolean => key.startsWith('cart')

/**
 * The versions to keep of `versions`: no version another one descends from, no duplicates, in a
 * canonical order. For a cart, concurrent versions become one: the union of their items, under
 * the merge of their clocks, which descends from them all.
 */
export function reconcile(key: string, versions: Version[]): Version[] {
  const kept: Version[] = []
  for (const v of versions) {
    if (kept.some((k) => happenedBefore(v.clock, k.clock))) continue
    for (let i = kept.length - 1; i >= 0; i--) if (happenedBefore((kept[i] as Version).clock, v.clock)) kept.splice(i, 1)
    kept.push(v)
  }
  kept.sort((a, b) => (encodeClock(a.clock) < encodeClock(b.clock) ? -1 : 1))
  if (isCart(key) && kept.length > 1) return [mergeCarts(kept)]
  return kept
}

function mergeCarts(versions: Version[]): Version {
  const items: string[] = []
  for (const v of versions) for (const item of v.value.split(',')) if (item !== '' && !items.includes(item)) items.push(item)
  return { value: items.join(','), clock: mergeClocks(versions.map((v) => v.clock)) }
}

/** Whether `set` already holds everything in `versions` (or something descending from it). */
export function covers(set: Version[], versions: Version[]): boolean {
  return versions.every((v) => set.some((s) => happenedBefore(v.clock, s.clock)))
}
