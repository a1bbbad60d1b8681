import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ASSIGNMENTS } from '../../assignments/registry.ts'
import { editDistance, suggest } from '../../lab/suggest.ts'

const test = suite('did you mean')
const ids = ASSIGNMENTS.map((a) => a.id)

test('typos of every kind find the assignment meant (issue 15: only the first three letters matched)', () => {
  for (const [typed, meant] of [
    ['lader-kv', 'leader-kv'],
    ['Leader-KV', 'leader-kv'],
    ['pb-service', 'pbservice'],
    ['leader-kb', 'leader-kv'],
    ['viewsrevice', 'viewservice'],
    ['dynamo2', 'dynamo'],
    ['http', 'http-store'],
    ['torent', 'torrent'],
  ]) assert.is(suggest(typed as string, ids), meant, typed)
})

test('nothing is suggested for a name far from every candidate', () => {
  assert.is(suggest('banana', ids), undefined)
  assert.is(suggest('', ids), undefined)
  assert.is(suggest('x', ['seed', 'solution']), undefined)
})

test('flags and test names: a swapped pair or a missing letter', () => {
  assert.is(suggest('sed', ['seed', 'solution', 'trace']), 'seed')
  assert.is(suggest('soluiton', ['seed', 'solution', 'trace']), 'solution')
  assert.is(suggest('put-ok-after-all-ack', ['put-ok-after-all-acks', 'get-timestamps']), 'put-ok-after-all-acks')
})

test('the distance counts a swap of neighbours as one edit', () => {
  assert.is(editDistance('ab', 'ba'), 1)
  assert.is(editDistance('kitten', 'sitting'), 3)
  assert.is(editDistance('', 'abc'), 3)
})

test.run()
