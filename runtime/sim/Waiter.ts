import type { MainItem } from './queueItems.ts'

/** Something the driver awaits in virtual time: a reply, a deadline, a condition, N events. */
export class Waiter<T> {
  readonly promise: Promise<T>
  settled = false
  /** Checked after every step; true settles the waiter. */
  check?: () => boolean
  /** Events still to be handled before the waiter settles (`runEvents`). */
  events?: number
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
