// The torrent reference beyond the graded groups: torrent.conf it cannot use gets one clear line
// and the node carries on with what it can; data.bin is sized in place.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parseConf } from '../../assignments/torrent/solution/config.ts'
import { CONF_FILE, DATA_FILE } from '../../assignments/torrent/messages.ts'
import { Content, partDigests } from '../../assignments/torrent/setting/content.ts'
import { withCluster } from '../helpers.ts'

const test = suite('torrent node')
const NODE = 'assignments/torrent/solution/node.ts'
const hex = (c: string): string => c.repeat(40)

test('parseConf: null Peers and Parts are empty; each unusable field is named, the rest kept', () => {
  assert.equal(parseConf('{"Peers":null,"FileInfo":{"Size":0,"PartSize":8,"Parts":null}}'), { peers: [], info: { Size: 0, PartSize: 8, Parts: [] }, problems: [] })
  const bad = parseConf('{"Peers":["10.0.0.2"],"FileInfo":{"Size":20,"PartSize":8,"Parts":["' + hex('a') + '"]}}')
  assert.equal(bad.peers, ['10.0.0.2'])
  assert.is(bad.info, null)
  assert.equal(bad.problems, ['FileInfo.Parts has 1 hashes, but Size 20 in parts of 8 needs 3; ignoring FileInfo and asking peers for it'])
  assert.match(parseConf('{"Peers": [1, 2]}').problems[0] as string, /Peers must be an array of IP address strings/)
  assert.match(parseConf('{"FileInfo": {"Size": -1, "PartSize": 8}}').problems[0] as string, /FileInfo.Size must be a non-negative integer \(got -1\)/)
  assert.match(parseConf('{"FileInfo": {"Size": 8, "PartSize": 8, "Parts": ["xyz"]}}').problems[0] as string, /40-digit hex/)
  assert.match(parseConf('{not json').problems[0] as string, /^torrent.conf is not JSON/)
  assert.match(parseConf('[1]').problems[0] as string, /must hold a JSON object/)
  assert.equal(parseConf(null).problems, ['torrent.conf is missing'])
})

test('a node with a broken torrent.conf prints one config error, gets FileInfo from a peer, and completes', async () => {
  const size = 100_000
  const partSize = 4096
  const reference = new Content('torrent-test')
  const parts = partDigests(reference, size, partSize)
  const a = '10.9.0.1'
  const b = '10.9.0.2'
  await withCluster({ nodes: [{ name: 'a', address: a, module: NODE, start: false }, { name: 'b', address: b, module: NODE, start: false }], network: { latency: 1 } }, async (cluster) => {
    writeFileSync(join(cluster.dataDir('a'), CONF_FILE), JSON.stringify({ Peers: [a, b], FileInfo: { Size: size, PartSize: partSize, Parts: parts } }))
    writeFileSync(join(cluster.dataDir('a'), DATA_FILE), reference.read(0, size))
    // b's file is bad JSON: it knows nobody and nothing, so it probes the /24 and asks for FileInfo.
    writeFileSync(join(cluster.dataDir('b'), CONF_FILE), '{"Peers": ["10.9.0.1"], "FileInfo": ')
    writeFileSync(join(cluster.dataDir('b'), DATA_FILE), Buffer.alloc(size + 12_345, 7))
    cluster.start('a')
    cluster.start('b')
    await cluster.until(() => cluster.node('b').console.includes('complete'), { timeout: 10_000, what: 'b completes' })
    const errors = cluster.node('b').console.filter((line) => line.startsWith('config error:'))
    assert.is(errors.length, 1, cluster.node('b').console.join('\n'))
    assert.match(errors[0] as string, /^config error: torrent.conf is not JSON/)
    assert.equal(cluster.node('a').console, ['complete'])
    cluster.crash('b')
    const data = readFileSync(join(cluster.dataDir('b'), DATA_FILE))
    assert.is(data.length, size, 'the garbage tail is cut')
    assert.ok(data.equals(reference.read(0, size)))
  })
})

test('a node whose data.bin is a directory prints one data error line and stays out of the way; the others complete', async () => {
  const size = 50_000
  const partSize = 4096
  const reference = new Content('torrent-test-dir')
  const parts = partDigests(reference, size, partSize)
  const addresses = ['10.9.2.1', '10.9.2.2', '10.9.2.3']
  const nodes = ['seeder', 'broken', 'leecher'].map((name, i) => ({ name, address: addresses[i] as string, module: NODE, start: false }))
  await withCluster({ nodes, network: { latency: 1 }, nodeErrors: 'crash-node' }, async (cluster) => {
    for (const node of nodes) writeFileSync(join(cluster.dataDir(node.name), CONF_FILE), JSON.stringify({ Peers: addresses, FileInfo: { Size: size, PartSize: partSize, Parts: parts } }))
    writeFileSync(join(cluster.dataDir('seeder'), DATA_FILE), reference.read(0, size))
    mkdirSync(join(cluster.dataDir('broken'), DATA_FILE))
    for (const node of nodes) cluster.start(node.name)
    await cluster.until(() => cluster.node('leecher').console.includes('complete'), { timeout: 10_000, what: 'the leecher completes' })
    const lines = cluster.node('broken').console
    assert.is(lines.length, 1, lines.join('\n'))
    assert.match(lines[0] as string, /^data error: cannot use data.bin \(EISDIR[^)]*\); this node stops syncing$/)
    assert.is(cluster.node('broken').status, 'up', 'it does not crash: it has said what is wrong')
    assert.is(cluster.failure, null)
  })
})

test('the trace shows the spawned machines: a peer being dialed and connected, a part received and verified', async () => {
  const size = 20_000
  const partSize = 4096
  const reference = new Content('torrent-test-trace')
  const parts = partDigests(reference, size, partSize)
  const addresses = ['10.9.3.1', '10.9.3.2']
  const nodes = ['seeder', 'leecher'].map((name, i) => ({ name, address: addresses[i] as string, module: NODE, start: false }))
  await withCluster({ nodes, network: { latency: 1 }, trace: { memory: 'full' } }, async (cluster) => {
    for (const node of nodes) writeFileSync(join(cluster.dataDir(node.name), CONF_FILE), JSON.stringify({ Peers: addresses, FileInfo: { Size: size, PartSize: partSize, Parts: parts } }))
    writeFileSync(join(cluster.dataDir('seeder'), DATA_FILE), reference.read(0, size))
    for (const node of nodes) cluster.start(node.name)
    await cluster.until(() => cluster.node('leecher').console.includes('complete'), { timeout: 10_000, what: 'the leecher completes' })
    const states = cluster.records.filter((r) => r.kind === 'state' && r.node === 'leecher')
    const of = (actor: string): string[] => states.filter((r) => r.kind === 'state' && r.actor === actor).map((r) => (r.kind === 'state' ? r.to : ''))
    assert.ok(of('peer 10.9.3.1').includes('connected'), `the leecher's peer machine for the seeder connects: ${of('peer 10.9.3.1').join(' → ')}`)
    assert.equal(of('part 0 from 10.9.3.1'), ['receiving', 'verifying', 'verified'], 'part 0 is received from the seeder, hashed and verified')
    assert.ok(states.some((r) => r.kind === 'state' && r.actor === undefined && r.to.includes('file.complete')), "the node's own machine reaches file.complete")
  })
})

test('a 0-byte file: data.bin is cut to nothing and the node is complete at once, even with no peers', async () => {
  await withCluster({ nodes: [{ name: 'z', address: '10.9.1.1', module: NODE, start: false }] }, async (cluster) => {
    writeFileSync(join(cluster.dataDir('z'), CONF_FILE), JSON.stringify({ Peers: null, FileInfo: { Size: 0, PartSize: 65536, Parts: null } }))
    writeFileSync(join(cluster.dataDir('z'), DATA_FILE), 'left over')
    cluster.start('z')
    await cluster.sleep(10)
    assert.equal(cluster.node('z').console, ['complete'])
    assert.is(statSync(join(cluster.dataDir('z'), DATA_FILE)).size, 0)
  })
})

test.run()
