// The clock xstate's `createActor(machine, { clock })` uses for `after` and delayed events, and
// that the worker installs as the global setTimeout: time only moves when the host says so.
import { roundMicros } from '../virtualTime.ts'

export interface ClockTimer {
  readonly id: number
  readonly at: number
  readonly fn: () => void
  readonly repeat: number | null
}

export interface ClockListener {
  set(timer: ClockTimer, delay: number): void
  cancel(id: number): void
}

export class VirtualClock {
  now = 0
  private nextId = 1
  private readonly live = new Map<number, ClockTimer>()

  constructor(private readonly listener: ClockListener) {}

  setTimeout = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number => {
    return this.add(() => fn(...args), ms, null)
  }

  setInterval = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number => {
    return this.add(() => fn(...args), ms, Math.max(1, delayOf(ms)))
  }

  clearTimeout = (id: unknown): void => {
    if (typeof id !== 'number' || !this.live.delete(id)) return
    this.listener.cancel(id)
  }

  /** Fires timer `id` if it is still live; false when it was cancelled meanwhile. */
  fire(id: number): boolean {
    const timer = this.live.get(id)
    if (!timer) return false
    this.live.delete(id)
    if (timer.repeat !== null) this.schedule({ ...timer, at: roundMicros(this.now + timer.repeat) }, timer.repeat)
    timer.fn()
    return true
  }

  /** Timers set and not yet fired or cleared. */
  get liveCount(): number {
    return this.live.size
  }

  isLive(id: number): boolean {
    return this.live.has(id)
  }

  private add(fn: () => void, ms: number | undefined, repeat: number | null): number {
    const delay = delayOf(ms)
    const timer: ClockTimer = { id: this.nextId++, at: roundMicros(this.now + delay), fn, repeat }
    this.schedule(timer, delay)
    return timer.id
  }

  private schedule(timer: ClockTimer, delay: number): void {
    this.live.set(timer.id, timer)
    this.listener.set(timer, delay)
  }
}

function delayOf(ms: number | undefined): number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : 0
}
