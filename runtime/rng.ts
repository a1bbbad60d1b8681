// Every random choice in a run flows from one seed (turmoil's rng_seed): the network's draws,
// each node incarnation's Math.random, each grader test's choices. Sub-seeds are derived by
// hashing labels, so adding a node or a test never shifts the draws of another.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { hashString } from './hashString.ts'

/** A 32-bit seed for a named purpose within a run: `deriveSeed(7, 'node', 's1', 2)`. */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  return hashString(labels.join('\u0000'), seed)
}

/** A seeded random source with the few draws the runtime, graders and scenarios need. */
export class Rng {
  private readonly gen

  constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed | 0)
  }

  /** A float in [0, 1), 53 bits: a drop-in for Math.random. */
  float(): number {
    return uniformFloat64(this.gen)
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.gen, min, max)
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.float() < p)
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: cannot pick from an empty list')
    return items[this.int(0, items.length - 1)] as T
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i)
      const tmp = out[i] as T
      out[i] = out[j] as T
      out[j] = tmp
    }
    return out
  }

  /** A child generator for a named purpose, independent of how much this one was used. */
  fork(...labels: Array<string | number>): Rng {
    return new Rng(deriveSeed(this.seed, ...labels))
  }
}
