// The course's language on the other side of leader-kv: a Python client (socket + json, one
// connection per request, as seed 001's students write it) against the reference servers in real
// mode. Skipped, saying so, without python3.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { DEFAULT_SERVERS } from '../../assignments/leader-kv/messages.ts'
import { Cluster, REPO_ROOT } from '../../runtime/index.ts'

const test = suite('leader-kv interop with Python')
const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'interop', 'kv_client.py')
const python = spawnSync('python3', ['--version']).status === 0

/** Runs the Python client once (it gives up after 5 s); its answer, parsed. */
function ask(address: string, ...args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [SCRIPT, address, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, unknown>) : reject(new Error(`python exited with ${code}: ${err}`))))
  })
}

if (!python) {
  test('python3 is not installed: the leader-kv interop test is skipped (install python3 to run it)', () => {
    console.log('  skipped: python3 not found on PATH')
  })
} else {
  test('a Python client PUTs through a follower and GETs, and is told TRY_OTHER_SERVER_OR_LATER when it has seen newer', async () => {
    const assignment = findAssignment('leader-kv')
    const module = join(assignment.referenceDir, 'server.ts')
    const config = { leader: DEFAULT_SERVERS[0], servers: [...DEFAULT_SERVERS] }
    const cluster = await Cluster.start({ mode: 'real', nodes: DEFAULT_SERVERS.map((address, i) => ({ name: `s${i + 1}`, address, module, config })) })
    const serving = cluster.serve()
    try {
      const real = (name: string): string => cluster.sockets.find((s) => s.name === name)?.real as string
      const put = await ask(real('s2'), 'PUT', 'course', 'python')
      assert.equal(put.type, 'PUT_OK', JSON.stringify(put))
      assert.equal([put.key, put.value, put.ts], ['course', 'python', 1])
      const get = await ask(real('s3'), 'GET', 'course', '1')
      assert.equal([get.type, get.value, get.ts], ['GET_OK', 'python', 1], JSON.stringify(get))
      const stale = await ask(real('s3'), 'GET', 'course', '7')
      assert.equal([stale.type, stale.key], ['TRY_OTHER_SERVER_OR_LATER', 'course'], JSON.stringify(stale))
      const leader = cluster.node('s1').console
      assert.ok(leader.some((l) => /^Cliente 127\.0\.0\.1:\d+ PUT key:course value:python$/.test(l)), `the leader names the Python client: ${leader.join(' | ')}`)
    } finally {
      await cluster.stop()
      await serving
    }
  })
}

test.run()
