// Virtual times live on a microsecond grid: every time the simulation creates (arrivals, timers)
// is rounded to it, so rounding can never move an event to before a window that already ran
// (a grid point stays put under rounding, and rounding is monotone).

export function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000
}

/** The largest grid time not after `ms`: a safe lookahead. */
export function floorMicros(ms: number): number {
  return Math.floor(ms * 1000 + 1e-6) / 1000
}
