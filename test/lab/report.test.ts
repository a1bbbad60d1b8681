// What a failed test prints: the replay command, and for a test of several runs (a torrent group)
// the trace file of the run that failed; the sandbox's report carries that count, checked.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { TestResult } from '../../graders/harness/runGrader.ts'
import { parseSandboxMessage } from '../../graders/sandbox/protocol.ts'
import { formatResult } from '../../lab/grade/printReport.ts'

const test = suite('grade report')
const failed = (clusters: number): TestResult => ({ name: 'restarts', title: 'restarts', points: 0, maxPoints: 1, passed: false, reason: 'a file differs', seed: 7, wallMs: 10, virtualMs: 40_000, clusters })
const info = { assignment: 'torrent', seed: 1, scale: 'reduced' as const }
const plain = (lines: string[]): string => lines.join('\n').replace(/\u001b\[[0-9;]*m/g, '')

test('a failure in the third run of a test names that run’s trace file; a one-run test needs no such line', () => {
  const third = plain(formatResult(failed(3), info, 10, 200))
  assert.match(third, /--trace traces\/torrent\.restarts\.jsonl/)
  assert.match(third, /ran 3 clusters, one after another, and failed in the last: its trace is traces\/torrent\.restarts-3\.jsonl/)
  assert.not.match(plain(formatResult(failed(1), info, 10)), /clusters, one after another/)
  // It names the page to see that run's trace in, too.
  assert.match(third, /npx distlab trace traces\/torrent\.restarts-3\.jsonl --html traces\/torrent\.restarts-3\.html/)
})

test('at 80 columns every line fits and nothing is cut: the words are all there, in order', () => {
  const long: TestResult = { ...failed(1), reason: `the file ${'very-long-name/'.repeat(3)}x differs from the seeder's copy at byte 1048576 of 4194304, after two restarts of the peer` }
  const lines = plain(formatResult(long, info, 10, 80)).split('\n')
  assert.ok(lines.every((l) => l.length <= 80), lines.join('\n'))
  const words = (text: string): string => text.replace(/[│\\]/g, ' ').split(/\s+/).filter(Boolean).join(' ')
  assert.ok(words(lines.join(' ')).includes(words(long.reason as string)))
})

test('the sandbox may report how many clusters a test ran; anything but a small count is refused', () => {
  const end = (clusters: unknown): unknown => ({ type: 'test-end', result: { name: 'restarts', passed: false, wallMs: 1, virtualMs: 2, clusters } })
  assert.equal(parseSandboxMessage(end(3)), { type: 'test-end', result: { name: 'restarts', passed: false, wallMs: 1, virtualMs: 2, clusters: 3 } })
  assert.is(parseSandboxMessage(end(-1)), null)
  assert.is(parseSandboxMessage(end('3')), null)
  assert.is(parseSandboxMessage(end(1.5)), null)
})

test.run()
