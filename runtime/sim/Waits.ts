// The driver's wait protocol: the waiters it awaits in virtual time, and the pump that runs the
// simulation while any is pending. Apart from the step loop, which never asks who is waiting.
import { DistlabError } from '../errors.ts'
import type { Waiter } from './Waiter.ts'

export class Waits {
  /** Once set, the run is over: every wait rejects with it. */
  failure: Error | null = null
  stopped = false
  private readonly waiters = new Set<Waiter<unknown>>()
  private pumping = false
  private yieldDue = false
  /** Control calls in progress (inspect): virtual time stands still until they finish. */
  private readonly holds = new Set<Promise<unknown>>()

  /** `advance` handles the next main item or step, and is false when nothing is left. */
  constructor(private readonly advance: () => Promise<boolean>) {}

  /** Registers a waiter; the pump runs the simulation until every waiter is done. */
  wait<T>(waiter: Waiter<T>): Promise<T> {
    if (this.failure) waiter.reject(this.failure)
    else if (this.stopped) waiter.reject(new DistlabError('STOPPED', 'the cluster was stopped'))
    else {
      this.waiters.add(waiter as Waiter<unknown>)
      if (!this.pumping) void this.pump()
    }
    return waiter.promise
  }

  /** Resolves one waiter (its reply came, its sleep is over...) and lets the driver react. */
  resolveWaiter<T>(waiter: Waiter<T>, value: T): void {
    if (this.release(waiter)) waiter.resolve(value)
  }

  /** Runs a control call (inspect) with virtual time standing still until it is done. */
  hold<T>(work: Promise<T>): Promise<T> {
    this.holds.add(work)
    const release = (): void => {
      this.holds.delete(work)
    }
    work.then(release, release)
    return work
  }

  /** Rejects one waiter (its deadline passed) and lets the driver react. */
  expire<T>(waiter: Waiter<T>, err: Error): void {
    if (this.release(waiter)) waiter.reject(err)
  }

  fail(err: Error): void {
    if (!this.failure) this.failure = err
    this.rejectAll(this.failure)
  }

  stop(): void {
    this.stopped = true
    this.rejectAll(new DistlabError('STOPPED', 'the cluster was stopped'))
  }

  /** The fewest events any waiter still waits for (`runEvents`): a step takes no more. */
  eventBudget(): number {
    let budget = Infinity
    for (const waiter of this.waiters) if (waiter.events !== undefined) budget = Math.min(budget, waiter.events)
    return budget
  }

  countEvents(handled: number): void {
    for (const waiter of this.waiters) {
      if (waiter.events === undefined) continue
      waiter.events -= handled
      if (waiter.events <= 0) this.resolveWaiter(waiter, undefined)
    }
  }

  /** Takes a pending waiter out, its deadline cancelled, so the driver reacts next; false if it was done. */
  private release<T>(waiter: Waiter<T>): boolean {
    if (waiter.done) return false
    this.waiters.delete(waiter as Waiter<unknown>)
    if (waiter.deadline) waiter.deadline.dead = true
    this.yieldDue = true
    return true
  }

  private rejectAll(err: Error): void {
    for (const waiter of this.waiters) {
      if (waiter.deadline) waiter.deadline.dead = true
      waiter.reject(err)
    }
    this.waiters.clear()
  }

  private async pump(): Promise<void> {
    this.pumping = true
    try {
      while (this.waiters.size > 0 && !this.stopped && !this.failure) {
        while (this.holds.size > 0) await Promise.allSettled([...this.holds])
        if (!(await this.advance())) {
          for (const waiter of this.waiters) if (waiter.resolvesWhenIdle) this.resolveWaiter(waiter, undefined)
          const impatient = [...this.waiters].filter((w) => !w.patient)
          const what = impatient.map((w) => w.what).join('; ')
          if (what) {
            const idle = new DistlabError('IDLE', `nothing is left to happen (no messages in flight, no timers set) while waiting for ${what}`)
            for (const waiter of impatient) this.expire(waiter, idle)
          }
          continue
        }
        for (const waiter of this.waiters) {
          if (!waiter.check) continue
          try {
            if (waiter.check()) this.resolveWaiter(waiter, undefined)
          } catch (err) {
            // A condition that throws fails its own wait, not the run.
            this.expire(waiter, err instanceof Error ? err : new Error(String(err)))
          }
        }
        if (this.yieldDue) {
          // Let the driver's continuation run at this virtual instant before anything else happens.
          this.yieldDue = false
          await new Promise<void>((resolve) => setImmediate(resolve))
        }
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)))
    } finally {
      this.pumping = false
    }
  }
}
