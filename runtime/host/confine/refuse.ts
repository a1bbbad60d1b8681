// How confinement says no: a function that throws a sentence naming what was called and why it
// is not available, as an error a node's stack trace shows at the student's own line.

export class ConfinementError extends Error {
  readonly code = 'ERR_DISTLAB_CONFINED'

  constructor(what: string, why: string) {
    super(`${what} is not available in node code: ${why}`)
    this.name = 'ConfinementError'
  }
}

/** A stand-in that throws when called or constructed. */
export function refused(what: string, why: string): (...args: unknown[]) => never {
  return function refusedCall(): never {
    throw new ConfinementError(what, why)
  }
}

/** Replaces `object[key]` (a data property or an accessor) with `value`, however it was defined. */
export function replace(object: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, configurable: true, enumerable: Object.getOwnPropertyDescriptor(object, key)?.enumerable ?? false })
}

/** Replaces each named function of `object` with one that refuses. */
export function refuseAll(object: object, prefix: string, keys: readonly string[], why: string): void {
  for (const key of keys) if (key in object) replace(object, key, refused(`${prefix}${key}()`, why))
}

/** An object any property read of which refuses. */
export function refusingObject(what: string, why: string): object {
  return new Proxy(
    {},
    {
      get(_, key) {
        throw new ConfinementError(`${what}.${String(key)}`, why)
      },
    },
  )
}
