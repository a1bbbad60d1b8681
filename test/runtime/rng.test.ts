import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Rng, deriveSeed } from '../../runtime/rng.ts'

test('the same seed gives the same draws', () => {
  const a = new Rng(42)
  const b = new Rng(42)
  const draws = (r: Rng) => [r.float(), r.int(1, 6), r.int(0, 1000), r.chance(0.5)]
  assert.equal(draws(a), draws(b))
})

test('derived seeds depend on every label and on the seed', () => {
  assert.is(deriveSeed(1, 'node', 's1', 1), deriveSeed(1, 'node', 's1', 1))
  assert.is.not(deriveSeed(1, 'node', 's1', 1), deriveSeed(1, 'node', 's1', 2))
  assert.is.not(deriveSeed(1, 'node', 's1', 1), deriveSeed(2, 'node', 's1', 1))
  assert.is.not(deriveSeed(1, 'ab', 'c'), deriveSeed(1, 'a', 'bc'))
})

test('int stays within its bounds and reaches both ends', () => {
  const r = new Rng(7)
  const seen = new Set<number>()
  for (let i = 0; i < 500; i++) {
    const x = r.int(3, 5)
    assert.ok(x >= 3 && x <= 5)
    seen.add(x)
  }
  assert.equal([...seen].sort(), [3, 4, 5])
})

test('shuffle is a permutation and pick refuses an empty list', () => {
  const r = new Rng(9)
  assert.equal(r.shuffle([1, 2, 3, 4, 5]).sort(), [1, 2, 3, 4, 5])
  assert.throws(() => r.pick([]), /empty list/)
})

test.run()
