// The coordinator and the pbservice servers on the seed's wire, XML-RPC (seed 000 §3–4), with
// Python's xmlrpc.client on the other side; and the codec against Python's own encoder and
// decoder, both ways. Skipped, saying so, without python3.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { decodeCall, encodeCall, encodeResponse } from '../../runtime/real/xmlrpc.ts'
import { Cluster, REPO_ROOT, wireOptions } from '../../runtime/index.ts'

const test = suite('XML-RPC interop with Python')
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'interop')
const python = spawnSync('python3', ['--version']).status === 0

/** Runs a Python program (bounded: killed after 30 s); its stdout's JSON lines. */
function runPython(args: string[], input?: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('close', (code) => {
      clearTimeout(killer)
      if (code !== 0) return reject(new Error(`python exited with ${code}: ${err}`))
      resolve(out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>))
    })
    child.stdin.end(input ?? '')
  })
}

if (!python) {
  test('python3 is not installed: the XML-RPC interop tests are skipped (install python3 to run them)', () => {
    console.log('  skipped: python3 not found on PATH')
  })
} else {
  test("the codec and Python's xmlrpc.client read each other's calls and responses", async () => {
    const params = [7, 'a <b> & "c"', true, 2.5, null, [1, 'two'], { number: 3, master: 'm', backup: null }, new Uint8Array([0, 255])]
    const script = `
import sys, json, xmlrpc.client as x
params, method = x.loads(sys.stdin.read())
print(json.dumps({'method': method, 'params': [p.data.hex() if isinstance(p, x.Binary) else p for p in params]}))
print(json.dumps({'xml': x.dumps((7, 'a <b> & "c"', True, 2.5, None, [1, 'two'], {'number': 3, 'master': 'm', 'backup': None}, x.Binary(bytes([0, 255]))), 'ping', allow_none=True)}))
print(json.dumps({'response': x.dumps(({'number': 1, 'master': None},), methodresponse=True, allow_none=True)}))
`
    const [theirs, ours, response] = await runPython(['-c', script], encodeCall('ping', params))
    assert.equal(theirs, { method: 'ping', params: [7, 'a <b> & "c"', true, 2.5, null, [1, 'two'], { number: 3, master: 'm', backup: null }, '00ff'] }, 'Python reads our call')
    const decoded = decodeCall(String(ours?.xml))
    assert.is(decoded.method, 'ping')
    assert.equal(decoded.params.slice(0, 7), params.slice(0, 7), 'we read Python’s call')
    assert.equal([...(decoded.params[7] as Uint8Array)], [0, 255])
    assert.match(String(response?.response), /<nil\/>/)
    assert.ok(encodeResponse({ number: 1, master: null }).includes('<nil/>'))
  })

  test('Python servers ping the reference coordinator over XML-RPC: views form, master() answers, a silent master is replaced', async () => {
    const assignment = findAssignment('viewservice')
    const cluster = await Cluster.start({ ...wireOptions(assignment.wire), nodes: [{ name: 'vs', module: join(assignment.referenceDir, 'coordinator.ts'), config: { deadPings: 5, tickInterval: 100 } }] })
    const serving = cluster.serve()
    try {
      const url = `http://${cluster.sockets[0]?.real}/`
      const steps = Object.fromEntries((await runPython([join(FIXTURES, 'viewservice_client.py'), url, '0.1'])).map((s) => [s.step, s.value]))
      assert.equal(steps['first ping'], { number: 1, master: 'A', backup: null }, 'ping(0, name) returns a struct with number, master and backup')
      assert.equal(steps['both in view'], { number: 2, master: 'A', backup: 'B' })
      assert.is(steps['master() before'], 'A', 'master() returns a string')
      assert.equal((steps['after A stopped'] as { master: string }).master, 'B', 'after A stops pinging, B is master')
      assert.is(steps['master() after'], 'B')
    } finally {
      await cluster.stop()
      await serving
    }
  })

  test('a Python clerk puts and gets on the reference pbservice primary over XML-RPC; a put to the backup is a fault', async () => {
    const coordinator = findAssignment('viewservice')
    const pb = findAssignment('pbservice')
    const coordinatorAddress = '127.0.0.1:17900'
    const cluster = await Cluster.start({
      ...wireOptions(pb.wire),
      nodes: [
        { name: 'vs', address: coordinatorAddress, module: join(coordinator.referenceDir, 'coordinator.ts'), config: { deadPings: 5, tickInterval: 100 } },
        { name: 's1', address: '127.0.0.1:17901', module: join(pb.referenceDir, 'server.ts'), config: { coordinator: coordinatorAddress } },
        { name: 's2', address: '127.0.0.1:17902', module: join(pb.referenceDir, 'server.ts'), config: { coordinator: coordinatorAddress }, start: false },
      ],
    })
    try {
      // s1 becomes primary, then s2 joins as backup and gets the copy.
      await cluster.sleep(600)
      cluster.start('s2')
      await cluster.until(() => cluster.node('vs').console.some((l) => /backup 127\.0\.0\.1:17902/.test(l)), { timeout: 5000, what: 's2 becoming backup' })
      await cluster.sleep(500)
      const serving = cluster.serve()
      const real = (name: string): string => `http://${cluster.sockets.find((s) => s.name === name)?.real}/`
      const calls = Object.fromEntries((await runPython([join(FIXTURES, 'pb_clerk.py'), real('s1'), real('s2')])).map((c) => [c.call, c]))
      assert.equal(calls['put primary'], { call: 'put primary', result: true }, 'put(key, value) on the primary returns true')
      assert.equal(calls['get primary'], { call: 'get primary', result: 'python' })
      assert.equal(calls['get missing'], { call: 'get missing', result: null }, 'a missing key is nil')
      assert.equal(calls['put backup'], { call: 'put backup', fault: 'not the primary' }, "a put to the backup is a fault with the spec's reason")
      assert.equal(calls['get after'], { call: 'get after', result: 'python' }, 'and changes nothing')
      await cluster.stop()
      await serving
    } finally {
      await cluster.stop()
    }
  })
}

test.run()
