// `npm run node`: one node in real mode in the foreground, talking to programs outside the lab.
// Each run is bounded (killed after 30 s whatever happens) and listens on 127.0.0.1 only.
import { startNode as start } from './nodeProcess.ts'
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeMessage, encodeFrame, FrameReader } from '../../runtime/real/frames.ts'
import { decodeResponse, encodeCall } from '../../runtime/real/xmlrpc.ts'

const test = suite('npm run node')
const startNode = (...args: string[]): ReturnType<typeof start> => start(args, 30_000)

test('a reliable socket served to the outside: a raw datagram is acknowledged and printed, a typed sendto goes out, Ctrl-C closes the port', async () => {
  const node = startNode('reliable-udp', 'socket', '--address', '127.0.0.1:0')
  const raw = createSocket('udp4')
  try {
    const address = await node.address
    const port = Number(address.split(':')[1])
    await new Promise<void>((resolve) => raw.bind(0, '127.0.0.1', () => resolve()))
    const messages: Buffer[] = []
    const firstMessage = new Promise<void>((resolve) => raw.once('message', () => resolve()))
    raw.on('message', (m, from) => {
      messages.push(m)
      if (m[0] === 0) raw.send(Buffer.from([1, ...m.subarray(1, 5)]), from.port, from.address)
    })
    raw.send(Buffer.from([0, 0, 0, 0, 5, ...Buffer.from('hello')]), port, '127.0.0.1')
    const printed = await node.line(/^received from /)
    assert.is(printed, `received from 127.0.0.1:${raw.address().port}: hello`)
    await firstMessage
    assert.is(messages[0]?.toString('hex'), '0100000005', 'the datagram was acknowledged')
    node.child.stdin.write(`sendto 127.0.0.1:${raw.address().port} back at you\n`)
    const sent = await node.line(/^sent \d+$/)
    const data = messages.find((m) => m[0] === 0)
    assert.ok(data, 'the typed sendto sent a DATA datagram')
    assert.is(data?.subarray(5).toString(), 'back at you')
    assert.is(Number(sent.split(' ')[1]), data?.readUInt32BE(1), "sent names the packet's id")
    node.child.kill('SIGINT')
    assert.is(await node.exit, 0, 'Ctrl-C stops it cleanly')
    // The port is free again.
    const again = createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject)
      again.bind(port, '127.0.0.1', () => resolve())
    })
    again.close()
  } finally {
    raw.close()
    node.child.kill('SIGKILL')
  }
})

test('a leader-kv server served over TCP: an outside program writes a GET frame and gets GET_OK back', async () => {
  const node = startNode('leader-kv', 'server', '--address', '127.0.0.1:0')
  try {
    const [host, port] = (await node.address).split(':') as [string, string]
    const socket = connect({ host, port: Number(port) })
    const reader = new FrameReader()
    const reply = new Promise<unknown>((resolve) => socket.on('data', (chunk: Buffer) => reader.push(chunk).forEach((body) => resolve(decodeMessage(body)))))
    socket.write(encodeFrame({ type: 'GET', key: 'x', ts: 0 }))
    assert.equal(await reply, { type: 'GET_OK', key: 'x', value: null, ts: 0 })
    socket.destroy()
    node.child.kill('SIGTERM')
    assert.is(await node.exit, 0)
  } finally {
    node.child.kill('SIGKILL')
  }
})

test('a viewservice coordinator served over XML-RPC: ping(0, name) by HTTP POST returns the view', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-node-'))
  const config = join(dir, 'config.json')
  writeFileSync(config, JSON.stringify({ deadPings: 5, tickInterval: 100 }))
  const node = startNode('viewservice', 'coordinator', '--address', '127.0.0.1:0', '--config', config)
  try {
    const address = await node.address
    const response = await fetch(`http://${address}/RPC2`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: encodeCall('ping', [0, 'outside']) })
    const result = decodeResponse(await response.text())
    assert.equal(result, { ok: true, value: { number: 1, master: 'outside', backup: null } })
    node.child.kill('SIGTERM')
    assert.is(await node.exit, 0)
  } finally {
    node.child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})

test('bad input: an unknown role and an address off loopback get one clear line and exit 2 (docs/cli.md)', async () => {
  const role = startNode('reliable-udp', 'server', '--address', '127.0.0.1:0')
  assert.is(await role.exit, 2)
  assert.match(role.stderr(), /name a role of reliable-udp: socket/)
  const off = startNode('reliable-udp', 'socket', '--address', '10.0.0.1:9000')
  assert.is(await off.exit, 2)
  assert.match(off.stderr(), /--address must be a loopback address with a port/)
})

test.run()
