import type { Key } from '../host/protocol.ts'

/** Lexicographic order of event keys (Infinity-safe); see `Key` in host/protocol.ts. */
export function compareKeys(a: Key, b: Key): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i] as number
    const y = b[i] as number
    if (x < y) return -1
    if (x > y) return 1
  }
  return a.length - b.length
}
