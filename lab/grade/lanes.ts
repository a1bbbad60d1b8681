// Grading on several cores: the tests are dealt into lanes, one sandbox each, and the results are
// handed on in the grader's own order, so the report reads the same whatever the number of lanes.
// Each test's seed comes from the base seed and its name alone, so its verdict does not depend on
// which lane it ran in or beside which other test.

/**
 * Deals `items` into at most `lanes` lanes of about equal weight: heaviest first, each to the
 * lightest lane so far (ties to the lower lane and the earlier item, so the plan is always the
 * same). Within a lane the items keep their order.
 */
export function planLanes<T>(items: readonly T[], lanes: number, weight: (item: T) => number): T[][] {
  const count = Math.max(1, Math.min(lanes, items.length))
  const load = Array<number>(count).fill(0)
  const owner = Array<number>(items.length)
  const byWeight = items.map((item, i) => ({ i, w: weight(item) })).sort((a, b) => b.w - a.w || a.i - b.i)
  for (const { i, w } of byWeight) {
    const lane = load.indexOf(Math.min(...load))
    owner[i] = lane
    load[lane] = (load[lane] as number) + w
  }
  return Array.from({ length: count }, (_, lane) => items.filter((_, i) => owner[i] === lane))
}

/**
 * Wraps `deliver` so that results arriving in any order are passed on in the order of `order`:
 * each is held until every one before it has arrived.
 */
export function inOrder<T>(order: readonly string[], nameOf: (result: T) => string, deliver: ((result: T) => void) | undefined): (result: T) => void {
  const held = new Map<string, T>()
  let next = 0
  return (result) => {
    held.set(nameOf(result), result)
    while (next < order.length && held.has(order[next] as string)) {
      const ready = held.get(order[next] as string) as T
      held.delete(order[next] as string)
      next++
      deliver?.(ready)
    }
  }
}
