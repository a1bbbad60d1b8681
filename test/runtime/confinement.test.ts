// What node code may do inside its worker (runtime/host/confine), asked of a real worker: its own
// data directory and file descriptors only, seeded randomness, virtual clocks, no real-time
// callbacks, no network, threads, signals or machine facts; refused built-ins fail the build.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { compileModule } from '../../runtime/build/compileModule.ts'
import type { Cluster } from '../../runtime/index.ts'
import { fixture, rejection, withCluster } from '../helpers.ts'

const test = suite('confinement')
const options = (seed = 1) => ({ seed, nodes: [{ name: 'a', module: fixture('prober') }, { name: 'other', module: fixture('prober') }], network: { latency: 1 } })

async function probe(cluster: Cluster, name: string, node = 'a'): Promise<string> {
  const answer = (await cluster.client('g').call(node, { type: 'PROBE', probe: name }, { timeout: 100 })) as unknown as { outcome: string }
  return answer.outcome
}

test('a node uses its own data directory and the file descriptors it opened', async () => {
  await withCluster(options(), async (cluster) => {
    assert.is(await probe(cluster, 'own-file'), 'ok: mine')
    assert.is(await probe(cluster, 'own-fd'), 'ok: abc')
  })
})

test("another node's files, the directory above, stdout's descriptor and links are refused", async () => {
  await withCluster(options(), async (cluster) => {
    assert.is(await probe(cluster, 'own-file', 'other'), 'ok: mine')
    assert.match(await probe(cluster, 'other-node-file'), /^refused: fs\.readFileSync\(.*other\/f"\) is not available in node code: a node may use files only inside its data directory/)
    assert.match(await probe(cluster, 'parent-dir'), /^refused: fs\.readdirSync/)
    assert.match(await probe(cluster, 'write-fd-1'), /^refused: fs\.writeSync\(1\) .* only file descriptors it opened/)
    assert.match(await probe(cluster, 'symlink'), /^refused: fs\.symlinkSync\(\) .* a link could point outside/)
  })
})

test('a node that opens files without closing them is stopped at its limit; the process keeps its descriptors', async () => {
  await withCluster(options(), async (cluster) => {
    assert.match(await probe(cluster, 'fd-leak'), /^refused: fs\.openSync\(.*\) .* a node may hold at most 256 files open at once \(it has 256\)/)
    assert.is(await probe(cluster, 'own-file', 'other'), 'ok: mine', 'the other node still opens its files')
  })
})

test('asynchronous calls and real-time callbacks are refused with what to use instead', async () => {
  await withCluster(options(), async (cluster) => {
    assert.match(await probe(cluster, 'async-fs'), /^refused: fs\.readFile\(\) .* must be synchronous.*use fs\.readFileSync\(\)/)
    assert.match(await probe(cluster, 'fs-promises'), /^refused: fs\.promises\.readFile/)
    assert.match(await probe(cluster, 'set-immediate'), /^refused: setImmediate\(\) .* use xstate delays/)
    assert.is(await probe(cluster, 'timers-module'), 'ok: number', "node:timers' setTimeout is the virtual clock's (a number id, not a Timeout object)")
  })
})

test('network, threads, signals and machine facts are out of reach', async () => {
  await withCluster(options(), async (cluster) => {
    assert.match(await probe(cluster, 'builtin-net'), /^refused: process\.getBuiltinModule\("net"\) .* nodes talk only through send\(\)/)
    assert.match(await probe(cluster, 'builtin-worker-threads'), /^refused: .*no other processes, threads or debuggers/)
    assert.is(await probe(cluster, 'builtin-path'), 'ok: object')
    assert.match(await probe(cluster, 'fetch'), /^refused: fetch\(\)/)
    assert.match(await probe(cluster, 'kill'), /^refused: process\.kill\(\)/)
    assert.match(await probe(cluster, 'memory-usage'), /^refused: process\.memoryUsage\(\)/)
    assert.is(await probe(cluster, 'env'), 'ok: 0')
  })
})

test('a node that outgrows its JS heap fails, naming the limit; its neighbours are unharmed', async () => {
  await withCluster({ ...options(), limits: { heapMb: 32 } }, async (cluster) => {
    const err = await rejection(probe(cluster, 'grow-heap'))
    assert.match(err.message, /node 'a' went over its JS heap limit of 32 MiB/)
    assert.is(cluster.node('a').status, 'failed')
  })
})

test("node:crypto's draws and process.hrtime follow the seed and virtual time", async () => {
  const draws = async (seed: number): Promise<string[]> =>
    withCluster(options(seed), async (cluster) => {
      await cluster.sleep(5)
      return [await probe(cluster, 'random-bytes'), await probe(cluster, 'random-int'), await probe(cluster, 'uuid'), await probe(cluster, 'hrtime'), await probe(cluster, 'now')]
    })
  const first = await draws(1)
  assert.equal(await draws(1), first)
  assert.not.equal((await draws(2)).slice(0, 3), first.slice(0, 3))
  // Probes go one at a time, 2 virtual ms per round trip after a 5 ms sleep: the 4th arrives at 12 ms.
  assert.is(first[3], `ok: ${12 * 1_000_000}`, 'hrtime is the virtual time of the event, in ns')
  assert.is(first[4], 'ok: 14')
})

test('a refused built-in is a build error at its line; a computed import() is left to the policy', async () => {
  const err = await rejection(compileModule(fixture('importsNet'), { kind: 'node' }))
  assert.match(err.message, /importsNet\.ts:2:\d+: node code cannot use 'node:net': nodes talk only through send\(\)/)
  const bundle = readFileSync(fileURLToPath(await compileModule(fixture('dynamicImport'), { kind: 'node' })), 'utf8')
  assert.not.match(bundle, /\bimport\s*\(/)
  assert.match(bundle, /Symbol\.for\('distlab\.require'\)/)
})

test('a submission from outside the checkout cannot bundle the grader into itself', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { tmpdir } = await import('node:os')
  const { REPO_ROOT } = await import('../../runtime/build/compileModule.ts')
  const dir = mkdtempSync(join(tmpdir(), 'distlab-outside-'))
  try {
    writeFileSync(join(dir, 'server.ts'), `import grader from '${join(REPO_ROOT, 'graders', 'leader-kv', 'index.ts')}'\nexport default grader\n`)
    const err = await rejection(compileModule(join(dir, 'server.ts'), { kind: 'node' }))
    assert.match(err.message, /node code may import only its own solution's files .* not graders\/leader-kv\/index\.ts/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
