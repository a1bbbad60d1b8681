import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { checkLinearizability, kvModel, type KvOperation } from '../../graders/harness/linearizability/index.ts'
import { Rng } from '../../runtime/index.ts'

const test = suite('linearizability')
const put = (client: string, key: string, value: string, call: number, ret: number): KvOperation => ({ client, input: { op: 'put', key, value }, output: null, call, return: ret })
const get = (client: string, key: string, value: string | null, call: number, ret: number): KvOperation => ({ client, input: { op: 'get', key }, output: { value }, call, return: ret })
const check = (history: KvOperation[], budget?: number) => checkLinearizability(kvModel, history, { budget })

test('sequential histories: a read sees the last write', () => {
  assert.is(check([put('a', 'x', '1', 0, 10), get('b', 'x', '1', 20, 30)]).result, 'ok')
  assert.is(check([get('b', 'x', null, 0, 5), put('a', 'x', '1', 10, 20), get('b', 'x', '1', 30, 40)]).result, 'ok')
  assert.is(check([put('a', 'x', '1', 0, 10), get('b', 'x', null, 20, 30)]).result, 'illegal')
})

test('overlapping operations may take effect in either order', () => {
  assert.is(check([put('a', 'x', '1', 0, 50), get('b', 'x', null, 10, 20), get('c', 'x', '1', 30, 40)]).result, 'ok')
  assert.is(check([put('a', 'x', '1', 0, 100), put('b', 'x', '2', 0, 100), get('c', 'x', '2', 110, 120), get('c', 'x', '2', 130, 140)]).result, 'ok')
  assert.is(check([put('a', 'x', '1', 0, 100), put('b', 'x', '2', 0, 100), get('c', 'x', '1', 110, 120), get('c', 'x', '2', 130, 140)]).result, 'illegal', 'once both writes are done, the value cannot change')
  assert.is(check([put('a', 'x', '1', 0, 10), get('b', 'x', '1', 5, 15), get('c', 'x', null, 12, 20)]).result, 'illegal', 'a later read cannot go back before a value another read saw')
})

test('a write that was never answered may or may not have happened', () => {
  assert.is(check([put('a', 'x', '1', 0, Infinity), get('b', 'x', '1', 100, 110)]).result, 'ok')
  assert.is(check([put('a', 'x', '1', 0, Infinity), get('b', 'x', null, 100, 110)]).result, 'ok')
  assert.is(check([put('a', 'x', '1', 0, Infinity), get('b', 'x', '1', 100, 110), get('b', 'x', null, 120, 130)]).result, 'illegal')
})

test('keys are independent: the verdict and the witness come from the key that breaks', () => {
  const history = [put('a', 'x', '1', 0, 10), put('a', 'y', '1', 0, 10), get('b', 'x', '1', 20, 30), get('b', 'y', 'stale', 20, 30)]
  const result = check(history)
  assert.is(result.result, 'illegal')
  if (result.result !== 'illegal') return
  assert.ok(result.witness.every((op) => op.input.key === 'y'))
  assert.is(result.culprit.output?.value, 'stale')
})

test('on illegal, the shortest offending prefix ends at the culprit', () => {
  const history: KvOperation[] = []
  for (let i = 0; i < 40; i++) history.push(put('a', 'x', String(i), i * 100, i * 100 + 10), get('b', 'x', String(i), i * 100 + 20, i * 100 + 30))
  history.push(get('c', 'x', '7', 4100, 4110)) // a stale read long after
  const result = check(history)
  assert.is(result.result, 'illegal')
  if (result.result !== 'illegal') return
  assert.is(result.culprit.client, 'c')
  assert.is(result.witness.length, 81)
  assert.match(result.explanation, /→ \[4100ms, 4110ms\] c: get\(x\) → "7"/)
  assert.match(result.explanation, /the last 12 of 81/)
})

test('many concurrent clients: memoization keeps a legal history cheap', () => {
  // 6 rounds; in each, 4 clients write concurrently while 4 others read the value from before the
  // round; after the round a reader sees the first writer's value, so that write must be the last.
  const rng = new Rng(3)
  const history: KvOperation[] = []
  let before: string | null = null
  for (let round = 0; round < 6; round++) {
    const start = round * 100
    const written = [0, 2, 4, 6].map((c) => `${round}-${c}`)
    written.forEach((value, i) => history.push(put(`w${i}`, 'k', value, start + rng.int(0, 5), start + 50 + rng.int(0, 5))))
    for (let c = 0; c < 4; c++) history.push(get(`r${c}`, 'k', before, start, start + 1))
    before = written[0] as string
    history.push(get('reader', 'k', before, start + 60, start + 61))
  }
  const result = check(history, 200_000)
  assert.is(result.result, 'ok', JSON.stringify(result).slice(0, 300))
})

test('a budget too small answers unknown instead of searching on', () => {
  const history: KvOperation[] = []
  for (let c = 0; c < 12; c++) history.push(put(`c${c}`, 'k', String(c), 0, 1000))
  history.push(get('r', 'k', 'nobody wrote this', 2000, 2001))
  assert.is(check(history, 50).result, 'unknown')
  assert.is(check(history).result, 'illegal')
})

test.run()
