// FNV-1a with a murmur3 finalizer: a 32-bit string hash that is well spread and the same on every
// node and every run. Seeds derive from it (rng.ts); nodes place keys on rings with it.

export function hashString(text: string, seed = 0): number {
  let h = 0x811c9dc5 ^ (seed >>> 0)
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
