// The three commands as a student types them: clear errors and exit codes, a scenario that is the
// same run every time, a grade that prints a replay command that reproduces the failure.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const test = suite('lab cli')

function run(command: 'lab' | 'grade' | 'trace' | 'seeds' | 'mutate', ...args: string[]): { code: number; out: string; err: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `lab/cli/${command}.ts`, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 120_000 })
  return { code: result.status ?? -1, out: result.stdout, err: result.stderr }
}

test('lab lists the assignments; unknown ones and bad flags get one line and exit 2', () => {
  const list = run('lab')
  assert.is(list.code, 0)
  assert.match(list.out, /ready\s+leader-kv/)
  assert.match(list.out, /ready\s+torrent/)
  assert.match(list.out, /ready\s+http-store/)
  assert.match(list.out, /ready\s+disk-client/)
  const unknown = run('lab', 'leader-kb')
  assert.is(unknown.code, 2)
  assert.is(unknown.err.trim(), "distlab: unknown assignment 'leader-kb' (did you mean 'leader-kv'?); assignments: reliable-udp, disk-client, viewservice, pbservice, leader-kv, dynamo, http-store, torrent")
  const flag = run('lab', 'leader-kv', '--sed', '3')
  assert.is(flag.code, 2)
  assert.match(flag.err, /^distlab: Unknown option '--sed' \(did you mean '--seed'\?\)/)
  const seed = run('lab', 'leader-kv', '--seed', 'x')
  assert.match(seed.err, /--seed must be a non-negative integer \(got 'x'\)/)
})

test('npm run lab leader-kv tells the story and writes the same trace for the same seed', () => {
  for (const file of ['traces/cli-a.jsonl', 'traces/cli-b.jsonl']) rmSync(file, { force: true })
  const a = run('lab', 'leader-kv', '--trace', 'traces/cli-a.jsonl')
  assert.is(a.code, 0, a.err)
  assert.match(a.out, /PUT_OK key: x value first timestamp 1 realizada no servidor 127\.0\.0\.1:100\d\d/)
  assert.match(a.out, /portanto devolvendo TRY_OTHER_SERVER_OR_LATER/)
  assert.match(a.out, /Asked again, another server answers with the newest value/)
  assert.match(a.out, /✓ done/)
  assert.match(a.out, /trace: traces\/cli-a\.jsonl/)
  run('lab', 'leader-kv', '--trace', 'traces/cli-b.jsonl')
  assert.ok(readFileSync('traces/cli-a.jsonl', 'utf8') === readFileSync('traces/cli-b.jsonl', 'utf8'), 'same seed, same trace')
})

test('npm run trace shows the run filtered; a missing file is one line', () => {
  const states = run('trace', 'traces/cli-a.jsonl', '--kind', 'state', '--width', '120')
  assert.is(states.code, 0, states.err)
  assert.match(states.out, /∅ ⇒ leader\.idle/)
  assert.not.match(states.out, /REPLICATION key/)
  const missing = run('trace', 'traces/none.jsonl')
  assert.is(missing.code, 2)
  assert.is(missing.err.trim(), 'distlab: trace file not found: traces/none.jsonl')
})

test('seeds: the reference on a range of seeds, a line per seed; a bad range is one line and exit 1', () => {
  const two = run('seeds', 'viewservice', '--seeds', '3-4', '--concurrency', '1')
  assert.is(two.code, 0, two.err)
  assert.match(two.out, /✓ seed 3 +10\/10/)
  assert.match(two.out, /✓ seed 4 +10\/10/)
  assert.match(two.out, /2 of 2 seeds with full marks/)
  const bad = run('seeds', 'viewservice', '--seeds', '4-3')
  assert.is(bad.code, 2)
  assert.match(bad.err, /--seeds must be a seed or a range like 1-20 \(got '4-3'\)/)
})

test('mutate: a score for the mutants asked for, exit 0 at --min-score; a bad --min-score is one line and exit 2', () => {
  const tick = run('mutate', 'viewservice', '--only', "delay-tick", '--min-score', '100')
  assert.is(tick.code, 0, tick.err)
  assert.match(tick.out, /mutation score 100\.0%: 2 of 2 mutants killed/)
  const bad = run('mutate', 'viewservice', '--min-score', '120')
  assert.is(bad.code, 2)
  assert.match(bad.err, /--min-score must be a percentage from 0 to 100 \(got '120'\)/)
})

test('grade: the reference passes; a mutant fails with a replay command that reproduces it', () => {
  const pass = run('grade', 'leader-kv', '--test', 'get-missing', '--json', 'traces/cli-grade.json')
  assert.is(pass.code, 0, pass.out + pass.err)
  assert.match(pass.out, /passed 1\/1 points/)
  assert.is(JSON.parse(readFileSync('traces/cli-grade.json', 'utf8')).points, 1)
  const fail = run('grade', 'leader-kv', '--solution', 'assignments/leader-kv/mutants/early-put-ok', '--test', 'put-ok-after-all-acks')
  assert.is(fail.code, 1)
  // Piped, lines wrap at 80 columns: a long command continues after a trailing backslash.
  assert.ok(fail.out.split('\n').every((line) => line.length <= 80), fail.out)
  const replay = /npx distlab grade (leader-kv(?: .*\\\n)*.*)$/m.exec(fail.out)?.[1]
  assert.ok(replay, fail.out)
  const args = (replay as string).replace(/ \\\n\s*/g, ' ').trim().split(' ')
  assert.match(fail.out, /1 test failed \(2 points lost\); replay each with:\n  ✗ put-ok-after-all-acks\n    npx distlab grade leader-kv/)
  rmSync('traces/leader-kv.put-ok-after-all-acks.jsonl', { force: true })
  const again = run('grade', ...args)
  assert.is(again.code, 1)
  const reason = (out: string) => out.split('\n').filter((l) => /^\s{6}\S/.test(l)).slice(0, 2).join('\n')
  assert.is(reason(again.out), reason(fail.out), 'the replay fails the same way')
  assert.ok(existsSync('traces/leader-kv.put-ok-after-all-acks.jsonl'), 'and leaves a trace')
  // Bad input and unusable solutions exit with 2 (a failed test is 1).
  const missing = run('grade', 'leader-kv', '--solution', 'nowhere/at/all')
  assert.is(missing.code, 2)
  assert.match(missing.out, /--solution .*nowhere\/at\/all: no such file or directory/)
  const scale = run('grade', 'torrent', '--scale', 'tiny')
  assert.is(scale.code, 2)
  assert.match(scale.err, /--scale must be full or reduced \(got 'tiny'\)/)
})

test.run()
