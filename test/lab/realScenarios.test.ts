// `npm run lab <id> -- --mode real`: a story runs on loopback sockets, ends without an error, and
// leaves no port open; one over UDP and one over TCP here. The other assignments' stories run in
// `npm run test:full` (`npm run lab <id> -- --mode real`: 3–15 s of wall time each).
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { runScenario } from '../../lab/scenario/runScenario.ts'

const test = suite('scenarios in real mode')
const IDS = ['reliable-udp', 'leader-kv']

/** Whether something still listens at `host:port` (TCP), or holds it (UDP). */
async function stillOpen(transport: 'udp' | 'tcp' | 'xmlrpc' | 'http', host: string, port: number): Promise<boolean> {
  // TCP, XML-RPC and HTTP all listen on a TCP port: open if a connect succeeds.
  if (transport !== 'udp') {
    return new Promise((resolve) => {
      const socket = connect({ host, port }, () => (socket.destroy(), resolve(true)))
      socket.once('error', () => resolve(false))
    })
  }
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.once('error', () => resolve(true))
    socket.bind(port, host, () => socket.close(() => resolve(false)))
  })
}

for (const id of IDS) {
  test(`${id}: the story runs on loopback sockets and closes every one of them`, async () => {
    const assignment = findAssignment(id)
    const dir = mkdtempSync(join(tmpdir(), 'distlab-real-story-'))
    const lines: string[] = []
    try {
      const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir })
      const summary = await runScenario(await assignment.scenario(), {
        solution,
        seed: 1,
        traceFile: join(dir, 'trace.jsonl'),
        verbose: false,
        title: `${id} scenario`,
        write: (line) => lines.push(line),
        mode: 'real',
        wire: assignment.wire,
      })
      assert.is(summary.error, null, summary.error?.message)
      const opened = lines.filter((l) => l.startsWith('sockets (')).flatMap((l) => [...l.matchAll(/(127\.0\.0\.1):(\d+)/g)].map((m) => ({ host: m[1] as string, port: Number(m[2]) })))
      assert.ok(opened.length >= 1, `it printed the sockets it opened: ${lines.find((l) => l.startsWith('sockets')) ?? 'nothing'}`)
      assert.ok(lines.some((l) => /^closed \d+ sockets?$/.test(l)), 'it says it closed them')
      for (const { host, port } of opened) assert.not.ok(await stillOpen(assignment.wire?.transport ?? 'tcp', host, port), `${host}:${port} is closed after the story`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
}

test.run()
