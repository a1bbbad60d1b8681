// The scenario board: redrawn in place under the story on a terminal, only kept frames in logs.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { kleur, plain } from '../../lab/format.ts'
import { Narrator } from '../../lab/scenario/Narrator.ts'

const test = suite('narrator board')
const ERASE_TWO = '\u001b[2A\u001b[0J'

test('on a terminal the board stays below the story: erased and redrawn around each line', () => {
  const out: string[] = []
  const narrator = new Narrator({ verbose: false, live: true, write: (line) => out.push(line) })
  narrator.board(['a 10%', 'b 20%'])
  narrator.say('hello')
  narrator.board(['a 50%', 'b 60%'])
  assert.is(out.length, 7)
  assert.equal(out.slice(0, 2), ['a 10%', 'b 20%'])
  assert.ok((out[2] as string).startsWith(ERASE_TWO) && (out[2] as string).includes('hello'), 'the story line first erases the board')
  assert.equal(out.slice(3, 5), ['a 10%', 'b 20%'], 'then the board is drawn again under it')
  assert.equal(out.slice(5), [`${ERASE_TWO}a 50%`, 'b 60%'], 'a new frame replaces the old one in place')
  narrator.board(['final'], { keep: true })
  assert.is(out.at(-1), `${ERASE_TWO}final`)
  narrator.say('after')
  assert.ok(!(out.at(-1) as string).includes('\u001b[0J'), 'a kept board is part of the story: nothing to erase')
})

test('without a terminal only kept boards are printed', () => {
  const out: string[] = []
  const narrator = new Narrator({ verbose: false, live: false, write: (line) => out.push(line) })
  narrator.board(['a 10%'])
  narrator.say('hello')
  narrator.board(['a 100%'], { keep: true })
  assert.is(out.length, 2)
  assert.match(out[0] as string, /hello/)
  assert.is(out[1], 'a 100%')
})

test('narration is plain in the trace and colored as it is printed: a green ✓, a red ✗ line', () => {
  const out: string[] = []
  const narrator = new Narrator({ verbose: false, live: false, write: (line) => out.push(line) })
  const enabled = kleur.enabled
  kleur.enabled = true
  try {
    for (const text of ['✓ node00: identical', '✗ node01: part 3 differs', 'plain words']) narrator.record({ seq: 0, t: 0, node: 'lab', kind: 'note', text })
  } finally {
    kleur.enabled = enabled
  }
  assert.equal(out.map(plain), ['  ✓ node00: identical', '  ✗ node01: part 3 differs', '  plain words'])
  assert.ok((out[0] as string).includes('\u001b[32m✓\u001b[39m'), 'the ✓ is green')
  assert.ok((out[1] as string).includes('\u001b[31m✗ node01'), 'the ✗ line is red')
})

test.run()
