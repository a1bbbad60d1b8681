// "Did you mean ...?" for a name a person typed: the known name closest to it, ignoring case and
// dashes, within a couple of typos (an optimal-string-alignment distance: insertions, deletions,
// substitutions and swapped neighbours), or one that starts with what was typed.
const plain = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '')

/** Edits (with a swap of two neighbours counted as one) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[]
      const up = d[i - 1] as number[]
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1)
    }
  }
  return (d[a.length] as number[])[b.length] as number
}

/** The candidate `typed` most likely meant, or undefined when none is close. */
export function suggest(typed: string, candidates: readonly string[]): string | undefined {
  const t = plain(typed)
  if (t === '') return undefined
  let best: { name: string; distance: number } | undefined
  for (const name of candidates) {
    const c = plain(name)
    const distance = c === t ? 0 : c.startsWith(t) && t.length >= 3 ? 1 : editDistance(t, c)
    if (distance <= Math.max(1, Math.floor(c.length / 4)) && (!best || distance < best.distance)) best = { name, distance }
  }
  return best?.name
}

/** ` (did you mean 'x'?)`, or nothing. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const near = suggest(typed, candidates)
  return near ? ` (did you mean '${near}'?)` : ''
}
