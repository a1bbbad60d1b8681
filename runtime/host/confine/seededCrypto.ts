// node:crypto's random draws follow the node's seed, like Math.random: a solution that picks ids
// with randomUUID() or randomBytes() scores the same on every run of a seed. What cannot follow a
// seed (key and prime generation, randomized signatures and encryption) and asynchronous calls
// are refused; hashes, HMACs and ciphers are deterministic and stay as they are.
import crypto from 'node:crypto'
import { refused, refuseAll, refusingObject, replace } from './refuse.ts'

const ASYNC = 'node code must be synchronous (the callback would run on real time, between events); call it without a callback'
const UNSEEDED = 'it draws randomness the runtime cannot seed, so the same seed would not give the same run'

/** Fills a buffer with seeded bytes. */
export type SeededBytes = (into: Uint8Array) => void

export function seedCrypto(fill: SeededBytes): void {
  const bytes = (size: unknown): Buffer => {
    if (!(Number.isInteger(size) && (size as number) >= 0 && (size as number) <= 2 ** 31 - 1)) throw new RangeError(`randomBytes(size): size must be an integer in [0, 2^31 - 1] (got ${String(size)})`)
    const out = Buffer.alloc(size as number)
    fill(out)
    return out
  }
  const randomBytes = (size: unknown, callback?: unknown): Buffer => {
    if (callback !== undefined) refused('crypto.randomBytes(size, callback)', ASYNC)()
    return bytes(size)
  }
  const randomFillSync = <T extends ArrayBufferView | ArrayBuffer>(target: T, offset = 0, size?: number): T => {
    const view = target instanceof ArrayBuffer ? new Uint8Array(target) : new Uint8Array(target.buffer, target.byteOffset, target.byteLength)
    fill(view.subarray(offset, size === undefined ? undefined : offset + size))
    return target
  }
  const randomInt = (min: number, max?: number | unknown, callback?: unknown): number => {
    if (typeof max === 'function' || callback !== undefined) refused('crypto.randomInt(..., callback)', ASYNC)()
    const [lo, hi] = max === undefined ? [0, min] : [min, max as number]
    if (!(Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && hi > lo)) throw new RangeError(`randomInt(min, max): need safe integers with min < max (got ${lo}, ${hi})`)
    const word = new Uint32Array(2)
    fill(new Uint8Array(word.buffer))
    // 53 random bits, scaled: uniform enough for a node's choices, and the same on every run.
    const unit = ((word[0] as number) * 2 ** 21 + ((word[1] as number) >>> 11)) / 2 ** 53
    return lo + Math.floor(unit * (hi - lo))
  }
  replace(crypto, 'randomBytes', randomBytes)
  replace(crypto, 'pseudoRandomBytes', randomBytes)
  replace(crypto, 'prng', randomBytes)
  replace(crypto, 'rng', randomBytes)
  replace(crypto, 'randomFillSync', randomFillSync)
  replace(crypto, 'randomInt', randomInt)
  // The web crypto object's draws are seeded by virtualGlobals; node:crypto's share them (its
  // getRandomValues, webcrypto and subtle are fixed getters that lead to that same object).
  replace(crypto, 'randomUUID', () => globalThis.crypto.randomUUID())
  refuseAll(crypto, 'crypto.', ['randomFill', 'pbkdf2', 'scrypt', 'hkdf'], ASYNC)
  refuseAll(
    crypto,
    'crypto.',
    ['generateKey', 'generateKeySync', 'generateKeyPair', 'generateKeyPairSync', 'generatePrime', 'generatePrimeSync', 'createDiffieHellman', 'createDiffieHellmanGroup', 'getDiffieHellman', 'createECDH', 'diffieHellman', 'sign', 'createSign', 'publicEncrypt', 'privateEncrypt'],
    UNSEEDED,
  )
  const web = globalThis.crypto as unknown as object
  replace(web, 'subtle', refusingObject('crypto.subtle', ASYNC))
}
