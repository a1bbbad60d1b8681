// Which of two writes of one key wins: the later by a hybrid logical clock (wall ms, then a
// counter within one ms, then the writing node's address), so every node that has seen both keeps
// the same one whatever order they arrived in. A node's clock never runs behind a stamp it saw.
import type { Stamp } from 'distlab/protocol/http-store'

export function newer(a: Stamp, b: Stamp): boolean {
  if (a.t !== b.t) return a.t > b.t
  if (a.c !== b.c) return a.c > b.c
  return a.n > b.n
}

/** The stamp of a write made now at node `n`, after the last stamp this node made or saw. */
export function tick(last: Stamp, now: number, n: string): Stamp {
  return now > last.t ? { t: now, c: 0, n } : { t: last.t, c: last.c + 1, n }
}

/** The clock after seeing `seen`. */
export function witness(last: Stamp, seen: Stamp): Stamp {
  return newer(seen, last) ? seen : last
}

export const ZERO: Stamp = { t: 0, c: 0, n: '' }
