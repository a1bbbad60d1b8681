// What a worker answers is checked before the simulation believes it (runtime/sim/checkReply.ts):
// a forged or garbled reply is named, never applied.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { StepItem } from '../../runtime/host/protocol.ts'
import { cleanText } from '../../runtime/cleanText.ts'
import { replyProblem } from '../../runtime/sim/checkReply.ts'

const test = suite('checkReply')
const items: StepItem[] = [
  { t: 10, seq: 4, kind: 'deliver', id: 1, from: 'g', msg: { type: 'PING' } },
  { t: 12, seq: 7, kind: 'timer', timer: 3 },
]
const until = 15
const send = { kind: 'send', to: 'g', msg: { type: 'PONG' } }

test('an honest reply passes: item entries, a local timer inside the window, an entry of stray effects (appendStrays)', () => {
  const reply = {
    handled: 3,
    entries: [
      { key: [10, 4], t: 10, effects: [send, { kind: 'timer', timer: 9, at: 20 }] },
      { key: [11, Infinity, 10, 4, 0], t: 11, effects: [{ kind: 'log', level: 'log', text: 'x' }] },
      { key: [12, 7], t: 12, effects: [] },
      { key: [12, 7, Number.MAX_SAFE_INTEGER], t: 12, effects: [{ kind: 'error', event: 'a promise callback', message: 'boom' }] },
    ],
  }
  assert.is(replyProblem(reply, items, until), null)
})

test('a forged send at virtual time -5, or at the horizon, is outside the batch', () => {
  assert.match(replyProblem({ handled: 1, entries: [{ key: [-5, 0], t: -5, effects: [send] }] }, items, until) ?? '', /virtual time -5, outside the batch \[10, 15\)/)
  assert.match(replyProblem({ handled: 1, entries: [{ key: [15, Infinity, 0], t: 15, effects: [send] }] }, items, until) ?? '', /outside the batch/)
})

test('garbage is named: not an object, no entries, bad keys, disorder, unknown effects, bad fields', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /not an object/],
    ['PONG', /not an object/],
    [{ handled: 1 }, /no entries/],
    [{ handled: -1, entries: [] }, /counts -1 events/],
    [{ handled: 1, entries: [{ key: ['10', 4], t: 10, effects: [] }] }, /no valid key/],
    [{ handled: 1, entries: [{ key: [10, 4], t: 11, effects: [] }] }, /time 11 is not its key's/],
    [{ handled: 2, entries: [{ key: [12, 7], t: 12, effects: [] }, { key: [10, 4], t: 10, effects: [] }] }, /out of order/],
    [{ handled: 1, entries: [{ key: [10, 4], t: 10, effects: [{ kind: 'exec', cmd: 'id' }] }] }, /unknown kind "exec"/],
    [{ handled: 1, entries: [{ key: [10, 4], t: 10, effects: [{ kind: 'send', to: 'g', msg: { type: 5 } }] }] }, /'send' effect carries no message/],
    [{ handled: 1, entries: [{ key: [10, 4], t: 10, effects: [{ kind: 'timer', timer: 1, at: 3 }] }] }, /'timer' effect is set for 3, before its time 10/],
    [{ handled: 1, entries: [{ key: [10, 4], t: 10, effects: [{ kind: 'pool', job: { id: 1, token: 0, bytes: 4, algorithm: 'sha1' } }] }] }, /'pool' effect has no token/],
    [{ handled: 1, entries: [{ key: [10, 4], t: 10, effects: [{ kind: 'pool', job: { id: 1, token: 1, bytes: -1, algorithm: 'sha1' } }] }] }, /'pool' effect has no byte count/],
    [{ handled: 0, entries: [], stamps: [1, 'soon'] }, /malformed stamps/],
  ]
  for (const [reply, expected] of cases) assert.match(replyProblem(reply, items, until) ?? 'accepted', expected, JSON.stringify(reply))
})

test('text from a node loses its control characters and is capped', () => {
  assert.is(cleanText('ok\u001b[31m red\u0007\nnext\tline'), 'ok[31m red\nnext\tline')
  assert.is(cleanText('x'.repeat(50), 10), `${'x'.repeat(10)}… (40 more characters)`)
})

test.run()
