// Inside a node, Math.random, Date, performance.now and crypto's random values follow the run's
// seed and virtual time, so code that reaches for them stays deterministic.
import { Rng } from '../rng.ts'
import type { VirtualClock } from './VirtualClock.ts'

/** Virtual time 0 is this wall-clock instant: `new Date()` in a node looks plausible, never real. */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1)

// The real ones, captured once: `restore` always returns to these, whatever was installed last.
const RealDate = Date
const realRandom = Math.random
const realPerfNow = performance.now.bind(performance)
const realGetRandomValues = globalThis.crypto.getRandomValues.bind(globalThis.crypto)
const realRandomUUID = globalThis.crypto.randomUUID.bind(globalThis.crypto)

export interface VirtualGlobals {
  install(): void
  restore(): void
  /** Fills `bytes` from the node's seeded stream (crypto's random values). */
  fill(bytes: Uint8Array): void
}

export function virtualGlobals(clock: VirtualClock, rng: Rng): VirtualGlobals {
  const now = (): number => VIRTUAL_EPOCH_MS + clock.now
  const VirtualDate = makeVirtualDate(now)
  const random = (): number => rng.float()
  const fill = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255)
  }
  return {
    fill,
    install() {
      globalThis.Date = VirtualDate
      Math.random = random
      performance.now = () => clock.now
      globalThis.crypto.getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
        if (array) fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
        return array
      }
      globalThis.crypto.randomUUID = () => {
        const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16))
        hex[12] = '4'
        hex[16] = ((rng.int(0, 15) & 0x3) | 0x8).toString(16)
        const s = hex.join('')
        return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}` as `${string}-${string}-${string}-${string}-${string}`
      }
    },
    restore() {
      globalThis.Date = RealDate
      Math.random = realRandom
      performance.now = realPerfNow
      globalThis.crypto.getRandomValues = realGetRandomValues
      globalThis.crypto.randomUUID = realRandomUUID
    },
  }
}

function makeVirtualDate(now: () => number): DateConstructor {
  function VirtualDate(this: unknown, ...args: unknown[]): Date | string {
    if (!new.target) return new RealDate(now()).toString()
    if (args.length === 0) return new RealDate(now())
    return Reflect.construct(RealDate, args) as Date
  }
  VirtualDate.prototype = RealDate.prototype
  VirtualDate.now = now
  VirtualDate.parse = RealDate.parse
  VirtualDate.UTC = RealDate.UTC
  return VirtualDate as unknown as DateConstructor
}
