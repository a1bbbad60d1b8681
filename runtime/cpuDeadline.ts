// Hang detection that a busy machine cannot fool. A deadline of `ms` passes only when `ms` of wall
// time AND `ms` of this process's CPU time (all its threads) have gone by since it was set: code
// that loops burns CPU and is caught as soon as before, while a machine loaded by other processes
// gives this one little CPU and only delays the verdict, never makes it. So that something that
// waits without computing is still stopped, the deadline also passes after `hardCap` × `ms` of
// wall time, whatever the CPU. A verdict that needs the cap names it.

export interface ProcessClock {
  /** Wall ms, monotonic. */
  wall(): number
  /** CPU ms this process has used, user and system, all threads. */
  cpu(): number
}

export const PROCESS_CLOCK: ProcessClock = {
  wall: () => performance.now(),
  cpu: () => {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  },
}

/** Wall time, as a multiple of the deadline, after which it passes even without the CPU. */
export const HARD_CAP = 6
/** The least wait between two looks at the CPU once the wall time is up. */
const RECHECK_MS = 50

export interface Deadline {
  cancel(): void
}

/**
 * Calls `onExpire(byCap)` once `ms` of wall and of CPU time passed (byCap false), or `hardCap` ×
 * `ms` of wall time (byCap true).
 */
export function cpuDeadline(ms: number, onExpire: (byCap: boolean) => void, options: { hardCap?: number; clock?: ProcessClock } = {}): Deadline {
  const clock = options.clock ?? PROCESS_CLOCK
  const cap = ms * (options.hardCap ?? HARD_CAP)
  const wall0 = clock.wall()
  const cpu0 = clock.cpu()
  let timer: NodeJS.Timeout | undefined
  const look = (): void => {
    const wall = clock.wall() - wall0
    const cpu = clock.cpu() - cpu0
    if (wall >= cap) return onExpire(true)
    if (wall >= ms && cpu >= ms) return onExpire(false)
    // What is left of the longer of the two, but never past the cap.
    arm(Math.min(Math.max(ms - wall, ms - cpu, RECHECK_MS), cap - wall))
  }
  const arm = (wait: number): void => {
    timer = setTimeout(look, wait)
  }
  arm(ms)
  return { cancel: () => clearTimeout(timer) }
}
