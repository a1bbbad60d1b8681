// JUnit XML that CI readers take: valid against the common JUnit schema's rules
// (test/fixtures/junit/junit-rules.xsd, checked with xmllint where it is installed), with each
// failure's type and replay command, and student text (escape codes, NUL, lone surrogates,
// `]]>`, `<`) made harmless.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { GradeReport } from '../../graders/harness/runGrader.ts'
import { plainText, toJunit } from '../../lab/grade/writeResults.ts'

const test = suite('junit')
const hostile = 'got \u001b[31mred\u001b[0m and a NUL \u0000 here, a lone \ud800 surrogate, ]]> and <tag> & "quotes"'
const report: GradeReport = {
  assignment: 'leader-kv',
  solution: 'my-kv',
  seed: 1,
  points: 1,
  maxPoints: 4,
  tests: [
    { name: 'passes', title: 'works', points: 1, maxPoints: 1, passed: true, seed: 5, wallMs: 120, virtualMs: 10 },
    { name: 'checked', title: 'a check', points: 0, maxPoints: 2, passed: false, seed: 6, wallMs: 80, virtualMs: 20, kind: 'check', reason: hostile },
    { name: 'slow', title: 'no answer', points: 0, maxPoints: 1, passed: false, seed: 7, wallMs: 80, virtualMs: 3000, kind: 'timeout', reason: 'no answer within 3000 ms' },
  ],
}

test('plain text keeps what XML 1.0 allows and drops escape sequences whole', () => {
  assert.is(plainText(hostile), 'got red and a NUL  here, a lone  surrogate, ]]> and <tag> & "quotes"')
  assert.is(plainText('tab\tline\r\nend'), 'tab\tline\nend')
})

test('the report names each failure type and its replay, and holds no control character', () => {
  const xml = toJunit(report, { assignment: 'leader-kv', solution: 'my-kv', seed: 1 }, { timestamp: new Date(0) })
  assert.match(xml, /<testsuite name="leader-kv" tests="3" failures="2" errors="0" skipped="0" time="0\.280" timestamp="1970-01-01T00:00:00"/)
  assert.match(xml, /<failure type="failed check" message="got red and a NUL {2}here/)
  assert.match(xml, /<failure type="timeout" message="no answer within 3000 ms">/)
  assert.match(xml, /replay: npx distlab grade leader-kv --solution my-kv --test checked --seed 1/)
  // eslint-disable-next-line no-control-regex
  assert.not.match(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff]/)
  assert.not.match(xml, /]]>/)
  assert.is(xml, toJunit(report, { assignment: 'leader-kv', solution: 'my-kv', seed: 1 }, { timestamp: new Date(0) }), 'the same report, the same bytes')
})

test('xmllint validates it against the JUnit schema rules', () => {
  if (spawnSync('xmllint', ['--version']).status !== 0) {
    console.log('\n  schema validation skipped: no xmllint (apt-get install libxml2-utils)')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'distlab-junit-'))
  try {
    const file = join(dir, 'results.xml')
    writeFileSync(file, toJunit(report))
    const run = spawnSync('xmllint', ['--noout', '--schema', 'test/fixtures/junit/junit-rules.xsd', file], { encoding: 'utf8' })
    assert.is(run.status, 0, run.stderr)
    // And the schema is not a rubber stamp: a testsuite without `errors` fails it.
    writeFileSync(file, toJunit(report).replace(/ errors="0"/, ''))
    assert.is.not(spawnSync('xmllint', ['--noout', '--schema', 'test/fixtures/junit/junit-rules.xsd', file]).status, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
