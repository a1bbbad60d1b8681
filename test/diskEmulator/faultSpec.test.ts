// `--faults SPEC` parsing: each documented form becomes the rule it says, and each mistake gets one
// line naming the item and the syntax (docs/disk-emulator.md, "Faults").
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parseFaults } from '../../assignments/disk-client/emulator/index.ts'

const test = suite('disk emulator: --faults syntax')

test('the issue example and every documented form', () => {
  assert.equal(parseFaults('429@3,503@5,reset-download@1:4096,slow-ops:5000'), {
    rules: [
      { kind: 'status', status: 429, target: 'api', when: { kind: 'nth', from: 3, to: 3 } },
      { kind: 'status', status: 503, target: 'api', when: { kind: 'nth', from: 5, to: 5 } },
      { kind: 'reset-download', target: 'download', when: { kind: 'nth', from: 1, to: 1 }, arg: 4096 },
    ],
    opDurationMs: 5000,
  })
  assert.equal(parseFaults('429@copy#1:5').rules, [{ kind: 'status', status: 429, target: 'copy', when: { kind: 'nth', from: 1, to: 1 }, arg: 5 }])
  assert.equal(parseFaults('503@2-4').rules?.[0]?.when, { kind: 'nth', from: 2, to: 4 })
  assert.equal(parseFaults('503@3+').rules?.[0]?.when, { kind: 'nth', from: 3, to: Number.POSITIVE_INFINITY })
  assert.equal(parseFaults('500@*').rules?.[0]?.when, { kind: 'every' })
  assert.equal(parseFaults('500@12.5%').rules?.[0]?.when, { kind: 'percent', percent: 12.5 })
  assert.is(parseFaults('503@/v1/disk/resources/*#2').rules?.[0]?.target, '/v1/disk/resources/*')
  assert.equal(parseFaults('delay@meta#*:300').rules, [{ kind: 'delay', target: 'meta', when: { kind: 'every' }, arg: 300 }])
  assert.equal(parseFaults('fail-op@2').rules, [{ kind: 'fail-op', target: 'api', when: { kind: 'nth', from: 2, to: 2 } }])
  assert.equal(parseFaults('202@upload#1').rules?.[0]?.status, 202)
  assert.equal(parseFaults(' latency:200 , seed:7 '), { rules: [], latencyMs: 200, seed: 7 })
  assert.equal(parseFaults(''), { rules: [] })
})

test('mistakes: one line naming the item and the syntax', () => {
  const cases: Array<[string, RegExp]> = [
    ['429', /'429' is not a fault/],
    ['429@x', /no valid WHEN \('x'/],
    ['429@0', /no valid WHEN/],
    ['429@4-2', /no valid WHEN/],
    ['429@150%', /no valid WHEN/],
    ['200@1', /status 200; a fault answers 400 to 599/],
    ['202@1', /only an upload answers/],
    ['boom@1', /no kind 'boom'/],
    ['429@teleport#1', /no target 'teleport'/],
    ['reset-download@1', /needs :BYTES/],
    ['delay@1', /needs :MS/],
    ['reset-upload@download#1:10', /cuts uploads only/],
  ]
  for (const [spec, message] of cases) {
    assert.throws(() => parseFaults(spec), (err: Error) => message.test(err.message) && !err.message.includes('\n') && err.message.includes('KIND@[TARGET#]WHEN[:ARG]'), spec)
  }
})

test.run()
