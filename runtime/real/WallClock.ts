// Real mode's time: ms of wall-clock time since the cluster started. The simulation's loop waits
// on it until the next queued item is due, or until a socket brings something (`poke`).
import { roundMicros } from '../virtualTime.ts'

export class WallClock {
  private readonly origin = performance.now()
  private wake: ((poked: boolean) => void) | null = null
  private timer: NodeJS.Timeout | null = null

  now(): number {
    return roundMicros(performance.now() - this.origin)
  }

  /** Waits until `t` (ms since the start) or until poked; true if poked. */
  wait(t: number): Promise<boolean> {
    this.release(false)
    return new Promise((resolve) => {
      this.wake = resolve
      // setTimeout takes at most 2^31-1 ms (longer is 1 ms): a far wake-up comes early and waits again.
      this.timer = setTimeout(() => this.release(false), Math.min(2 ** 31 - 1, Math.max(0, t - this.now())))
    })
  }

  /** Something arrived: a waiting loop goes on at once. */
  poke(): void {
    this.release(true)
  }

  /** The run is over: a waiting loop goes on (and sees that), and no timer holds the process. */
  stop(): void {
    this.release(false)
  }

  private release(poked: boolean): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const wake = this.wake
    this.wake = null
    wake?.(poked)
  }
}
