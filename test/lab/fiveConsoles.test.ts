// The professor's demo of seed 001 (§7): three leader-kv servers and two clients, each its own
// `npm run node` process, typed at through stdin, JSON over TCP between them. The transcript of
// every console must be what the sim grader's console-transcript expects. Bounded: every process
// is killed after 60 s whatever happens; ports are free ones on 127.0.0.1.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expectedConsoles, firstDifference, type Op } from '../../graders/leader-kv/transcript.ts'
import { freePort, startNode, type NodeProcess } from './nodeProcess.ts'

const test = suite('leader-kv in five consoles')

interface Console extends NodeProcess {
  name: string
}

const open = (name: string, args: string[]): Console => ({ name, ...startNode(['leader-kv', ...args]) })

/** A port nobody uses right now (the servers must know each other's before they start). */
test('three servers and two clients in five processes print exactly the lines of seed §6', async () => {
  const ports = [await freePort(), await freePort(), await freePort()]
  const servers = ports.map((p) => `127.0.0.1:${p}`)
  const consoles: Console[] = []
  try {
    servers.forEach((address, i) => consoles.push(open(`s${i + 1}`, ['server', '--address', address, '--leader', servers[0] as string, '--servers', servers.join(',')])))
    consoles.push(open('c1', ['client']), open('c2', ['client']))
    const addresses = await Promise.all(consoles.map((c) => c.address))
    const byName = new Map(consoles.map((c, i) => [c.name, addresses[i] as string]))
    const nameOf = new Map([...byName].map(([name, address]) => [address, name]))
    const client = (name: string): Console => consoles.find((c) => c.name === name) as Console
    const ops: Op[] = []
    const type = async (name: string, lines: string[]): Promise<string> => {
      const c = client(name)
      const before = c.lines.length
      c.child.stdin.write(lines.map((l) => `${l}\n`).join(''))
      return c.lineAt(before)
    }
    for (const name of ['c1', 'c2']) client(name).child.stdin.write(['INIT', ...servers].map((l) => `${l}\n`).join(''))
    const put = async (name: string, key: string, value: string): Promise<void> => {
      const line = await type(name, ['PUT', key, value])
      const m = /^PUT_OK key: \S+ value \S+ timestamp (\d+) realizada no servidor (\S+)$/.exec(line)
      assert.ok(m, `${name}: ${line}`)
      ops.push({ kind: 'put', client: name, key, value, server: nameOf.get(m?.[2] as string) ?? '?', ts: Number(m?.[1]) })
    }
    const get = async (name: string, key: string): Promise<void> => {
      const line = await type(name, ['GET', key])
      const m = /^GET key: \S+ value: \S+ obtido do servidor (\S+),/.exec(line)
      assert.ok(m, `${name}: ${line}`)
      ops.push({ kind: 'get', client: name, key, server: nameOf.get(m?.[1] as string) ?? '?' })
    }
    await put('c1', 'k1', 'v1')
    await get('c2', 'k1')
    await get('c2', 'nothing')
    await put('c2', 'k1', 'v2')
    await put('c1', 'k2', 'w1')
    await get('c1', 'k1')
    // Wait (bounded) until every console has printed as many lines as the seed expects, then compare.
    const expected = expectedConsoles(ops, consoles.map((c) => c.name), { leader: 's1', followers: ['s2', 's3'], addressOf: (name) => byName.get(name) as string })
    const printed = (c: Console): Promise<unknown> => {
      const n = expected[c.name]?.length ?? 0
      return n === 0 ? Promise.resolve() : Promise.race([c.lineAt(n - 1), new Promise((resolve) => setTimeout(resolve, 10_000))])
    }
    await Promise.all(consoles.map(printed))
    for (const c of consoles) {
      const difference = firstDifference(c.lines, expected[c.name] ?? [])
      assert.is(difference, null, `${c.name}'s console: ${difference}\n${c.lines.join('\n')}`)
    }
    for (const c of consoles) c.child.kill('SIGINT')
    const codes = await Promise.all(consoles.map((c) => c.exit))
    assert.equal(codes, [0, 0, 0, 0, 0], 'Ctrl-C stops each cleanly')
  } finally {
    for (const c of consoles) c.child.kill('SIGKILL')
  }
})

test.run()
