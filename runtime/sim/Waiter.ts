import type { MainItem } from './queueItems.ts'

/** Something the driver awaits in virtual time: a reply, a deadline, a condition, N events. */
export class Waiter<T> {
  readonly promise: Promise<T>
  settled = false
  /** Checked after every step; true settles the waiter. */
  check?: () => boolean
  /** Events still to be handled before the waiter settles (`runEvents`). */
  events?: number
  /** Settle (rather than fail with IDLE) when nothing is left to happen. */
  settlesWhenIdle?: boolean
  /** Its wake-up item, cancelled when the waiter settles first. */
  deadline?: MainItem & { kind: 'wake' }
  private res!: (value: T) => void
  private rej!: (err: Error) => void

  /** `what` finishes the sentence "waiting for ..." in errors. */
  constructor(readonly what: string) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.res = resolve
      this.rej = reject
    })
    // A driver may abandon a wait (a test failed while a call was pending); stopping the cluster
    // then rejects it. Whoever awaits still sees the error; nobody awaiting is not a crash.
    this.promise.catch(() => {})
  }

  resolve(value: T): void {
    if (this.settled) return
    this.settled = true
    this.res(value)
  }

  reject(err: Error): void {
    if (this.settled) return
    this.settled = true
    this.rej(err)
  }
}
