import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_LINK, resolveLink } from '../../runtime/network/LinkConfig.ts'
import { LinkRules } from '../../runtime/network/LinkRules.ts'
import { SimNetwork } from '../../runtime/network/SimNetwork.ts'
import { Bandwidth, messageSize } from '../../runtime/network/Bandwidth.ts'
import { Rng } from '../../runtime/rng.ts'

const test = suite('network')
const ep = (name: string, isClient = false) => ({ name, isClient })
const a = ep('a')
const b = ep('b')
const c = ep('c')
const g = ep('g', true)

test('latency is fixed or drawn within [min, max]; FIFO links never let a message overtake', () => {
  const net = new SimNetwork({ latency: [5, 50] }, new Rng(1))
  let last = 0
  const draws = new Set<number>()
  for (let now = 0; now < 200; now++) {
    const route = net.route(a, b, now)
    const at = route.arrivals[0] as number
    assert.ok(at >= now + 5, 'never faster than the minimum')
    assert.ok(at >= last, 'FIFO')
    draws.add(at - now)
    last = at
  }
  assert.ok(draws.size > 10)
  const fixed = new SimNetwork({ latency: 7 }, new Rng(1))
  assert.equal(fixed.route(a, b, 10).arrivals, [17])
})

test('reorder: arrivals follow their own draws', () => {
  const net = new SimNetwork({ latency: [1, 100], reorder: true }, new Rng(2))
  const arrivals = Array.from({ length: 50 }, (_, i) => net.route(a, b, i).arrivals[0] as number)
  assert.not.equal(arrivals, [...arrivals].sort((x, y) => x - y))
})

test('loss and duplication happen at about their rates', () => {
  const net = new SimNetwork({ loss: 0.3, duplicate: 0.2 }, new Rng(3))
  let lost = 0
  let doubled = 0
  for (let i = 0; i < 4000; i++) {
    const route = net.route(a, b, i)
    if (route.drop === 'loss') lost++
    if (route.arrivals.length === 2) doubled++
  }
  assert.ok(Math.abs(lost / 4000 - 0.3) < 0.03, `loss rate ${lost / 4000}`)
  assert.ok(Math.abs(doubled / (4000 - lost) - 0.2) < 0.03, `dup rate ${doubled / (4000 - lost)}`)
})

test('lookahead is the smallest latency any link can draw, overrides included', () => {
  const net = new SimNetwork({ latency: [4, 9] }, new Rng(4))
  assert.is(net.lookahead(), 4)
  net.configureLink('a', 'b', { latency: 2 })
  assert.is(net.lookahead(), 2)
  assert.equal(net.route(a, b, 0).arrivals, [2])
  net.configureLink('a', 'b', null)
  assert.is(net.lookahead(), 4)
  net.configure({ latency: 1 })
  assert.is(net.lookahead(), 1)
})

test('partition: listed endpoints talk within their group; unlisted ones keep all links', () => {
  const rules = new LinkRules()
  rules.add({ kind: 'partition', groups: [['a'], ['b', 'g']] })
  assert.ok(rules.blocks(a, b) && rules.blocks(b, a) && rules.blocks(g, a))
  assert.not.ok(rules.blocks(b, g))
  assert.not.ok(rules.blocks(a, c) || rules.blocks(c, b))
})

test('isolate cuts a node from nodes, and from clients only when asked; rules accumulate until healed', () => {
  const rules = new LinkRules()
  rules.add({ kind: 'isolate', node: 'a', clients: false })
  assert.ok(rules.blocks(a, b) && rules.blocks(c, a))
  assert.not.ok(rules.blocks(g, a) || rules.blocks(a, g))
  rules.add({ kind: 'block', from: 'b', to: 'c' })
  assert.ok(rules.blocks(b, c))
  assert.not.ok(rules.blocks(c, b), 'one direction only')
  rules.reconnect('a')
  assert.not.ok(rules.blocks(a, b))
  assert.ok(rules.blocks(b, c), 'reconnect leaves other rules')
  rules.add({ kind: 'isolate', node: 'c', clients: true })
  assert.ok(rules.blocks(g, c))
  rules.heal()
  assert.is(rules.active.length, 0)
  assert.not.ok(rules.blocks(b, c) || rules.blocks(g, c))
})

test('a node always reaches itself', () => {
  const rules = new LinkRules()
  rules.add({ kind: 'isolate', node: 'a', clients: true })
  assert.not.ok(rules.blocks(a, a))
})

test('link settings are validated with the setting named', () => {
  assert.throws(() => resolveLink(DEFAULT_LINK, { latency: -1 }, 'network'), /network\.latency must be non-negative/)
  assert.throws(() => resolveLink(DEFAULT_LINK, { duplicate: 1.5 }, 'link a→b'), /link a→b\.duplicate must be a probability/)
  assert.throws(() => resolveLink(DEFAULT_LINK, { reorder: 'yes' as never }, 'network'), /network\.reorder must be true or false/)
  assert.equal(resolveLink(DEFAULT_LINK, { latency: [2, 3] }, 'n'), { ...DEFAULT_LINK, latencyMin: 2, latencyMax: 3 })
})

test('bandwidth: a lone transfer takes latency + size/min(up, down); a busy downlink makes senders queue', () => {
  const bw = new Bandwidth({ up: 1000, down: 500 })
  assert.is(bw.arrival('a', 'b', 100, 0, 10), 210)
  // c's message to b starts on c's idle uplink, but b's downlink is busy until 210.
  assert.is(bw.arrival('c', 'b', 100, 0, 10), 410)
  const open = new Bandwidth()
  assert.not.ok(open.limited('a', 'b'))
  open.setNode('b', { up: Infinity, down: 1000 })
  assert.ok(open.limited('a', 'b'))
  assert.not.ok(open.limited('b', 'a'))
})

test('message sizes count binary data at its length and ordinary fields roughly', () => {
  const small = messageSize({ type: 'PING' })
  assert.ok(small > 40 && small < 60)
  assert.ok(messageSize({ type: 'DATA', bytes: new Uint8Array(16384) }) - 16384 < 60)
  assert.ok(messageSize({ type: 'PEERS', peers: ['10.0.0.1', '10.0.0.2'] }) > small + 16)
})

test.run()
