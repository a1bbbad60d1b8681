import type { MainItem } from './queueItems.ts'

/** Something the driver awaits in virtual time: a reply, a deadline, a condition, N events. */
export class Waiter<T> {
  readonly promise: Promise<T>
  /** Resolved or rejected: nothing more happens to it. */
  done = false
  /** Checked after every step; true resolves the waiter. */
  check?: () => boolean
  /** Events still to be handled before the waiter resolves (`runEvents`). */
  events?: number
  /** Resolve (rather than fail with IDLE) when nothing is left to happen. */
  resolvesWhenIdle?: boolean
  /** Real mode: keep waiting when nothing is queued (something may yet arrive on a socket). */
  patient?: boolean
  /** Its wake-up item, cancelled when the waiter is done first. */
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
    if (this.done) return
    this.done = true
    this.res(value)
  }

  reject(err: Error): void {
    if (this.done) return
    this.done = true
    this.rej(err)
  }
}
