// The reliable-udp grader (seed 000 §1): the wire bytes of DATA and ACK, delivery through loss,
// duplication and reordering exactly once, sendto's timeout, senders told apart, payload sizes,
// and datagrams a socket must ignore. Applications talk to their sockets through cluster.app;
// the grader's own clients forge datagrams where a test needs bytes no correct socket sends.
import { MAX_PAYLOAD, SEND_TIMEOUT_MS, SEND_TIMEOUT_SLACK_MS, type AppResult, type Sent } from '../../assignments/reliable-udp/messages.ts'
import type { Cluster } from '../../runtime/index.ts'
import { defineGrader } from '../harness/defineGrader.ts'
import type { TestContext } from '../harness/TestContext.ts'
import { SENDTO_WAIT, receive, sendto, socketCluster } from './sockets.ts'
import { ackBytes, dataBytes, hex, idOf, read, sentDatagrams, text } from './wire.ts'

/** Sends `words` from `from` to `to` one after another (sendto blocks), with `to`'s application receiving. */
async function exchange(t: TestContext, cluster: Cluster, words: string[], options: { from?: string; to?: string; parallel?: boolean } = {}): Promise<void> {
  const from = options.from ?? 'a'
  const to = options.to ?? 'b'
  const results: AppResult[] = []
  const sending = async (): Promise<void> => {
    if (options.parallel) results.push(...(await Promise.all(words.map((w) => sendto(cluster, from, to, text(w))))))
    else for (const w of words) results.push(await sendto(cluster, from, to, text(w)))
  }
  const [got] = await Promise.all([receive(cluster, to, words.length, words.length * SENDTO_WAIT), sending()])
  const unsent = results.map((r, i) => (r.type === 'sent' ? null : `${words[i]}: ${r.type}`)).filter(Boolean)
  t.check(unsent.length === 0, `every sendto from ${from} to ${to} returns sent`, unsent.join(', '))
  const payloads = got.map((r) => read(r.data))
  t.equal([...payloads].sort(), [...words].sort(), `${to}'s application receives each of the ${words.length} messages exactly once`)
  if (!options.parallel) t.equal(payloads, words, `${to}'s application receives them in the order they were sent (each sendto waited for its ack)`)
  t.check(
    got.every((r) => r.from === from),
    `each message comes with its sender's address (${from})`,
    got.map((r) => r.from).join(', '),
  )
  // Nothing more: a duplicate delivered late would show up here.
  const extra = await receive(cluster, to, 1, 1000)
  t.check(extra.length === 0, `${to}'s application gets nothing more: no message is delivered twice`, extra.map((r) => read(r.data)).join(', '))
}

const words = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)

export default defineGrader({
  assignment: 'reliable-udp',
  tests: [
    {
      name: 'wire-format',
      title: 'DATA is 0, the id in 4 bytes big-endian, then the payload; an ACK is 1 and the same id, nothing more',
      points: 3,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'], { latency: 1 })
        const [, first] = await Promise.all([receive(cluster, 'b', 1), sendto(cluster, 'a', 'b', text('hi!'))])
        t.check(first.type === 'sent', 'sendto on a quiet network returns sent', JSON.stringify(first))
        const datagrams = sentDatagrams(cluster)
        const data = datagrams.find((d) => d.from === 'a' && d.to === 'b')
        const ack = datagrams.find((d) => d.from === 'b' && d.to === 'a')
        if (!data || !ack) return t.fail('a sends a datagram to b and b answers with one', `datagrams: ${datagrams.map((d) => `${d.from}→${d.to} ${hex(d.data)}`).join('; ')}`)
        t.check(data.data.length === 5 + 3 && data.data[0] === 0 && read(data.data.subarray(5)) === 'hi!', 'the DATA datagram is 0, four id bytes, then exactly the payload "hi!"', hex(data.data))
        t.check((first as Sent).id === idOf(data.data), "sent names the packet's id, which the header holds big-endian (network byte order)", `sent id ${(first as Sent).id}; header ${hex(data.data.subarray(1, 5))} read big-endian is ${idOf(data.data)}`)
        t.check(ack.data.length === 5 && ack.data[0] === 1 && hex(ack.data.subarray(1)) === hex(data.data.subarray(1, 5)), 'the ACK is exactly 1 and the same four id bytes', `DATA ${hex(data.data)}; ACK ${hex(ack.data)}`)
        const [, second] = await Promise.all([receive(cluster, 'b', 1), sendto(cluster, 'a', 'b', text('again'))])
        t.check(second.type === 'sent' && (second as Sent).id !== (first as Sent).id, 'the next packet gets another id', `${JSON.stringify(first)} then ${JSON.stringify(second)}`)
      },
    },
    {
      name: 'delivery',
      title: "On a quiet network every message arrives once, byte for byte, with its sender's address",
      points: 1,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'])
        await exchange(t, cluster, words(5, 'quiet'))
      },
    },
    {
      name: 'loss',
      title: 'With 30% of datagrams lost, every sendto still returns sent and each message arrives once',
      points: 3,
      timeLimit: 600_000,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'], { latency: [1, 5], loss: 0.3 })
        await exchange(t, cluster, words(20, 'lossy'))
      },
    },
    {
      name: 'duplicates',
      title: 'A duplicated datagram is delivered to the application once (and acknowledged again)',
      points: 2,
      timeLimit: 300_000,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'], { latency: [1, 20], duplicate: 0.5 })
        await exchange(t, cluster, words(20, 'twice'))
      },
    },
    {
      name: 'reordering',
      title: 'Reordered, late and duplicated datagrams with sendtos in parallel: each message once, each sendto sent',
      points: 2,
      timeLimit: 300_000,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'], { latency: [1, 300], reorder: true, duplicate: 0.3 })
        await exchange(t, cluster, words(12, 'shuffled'), { parallel: true })
      },
    },
    {
      name: 'dead-peer-timeout',
      title: `A sendto to a dead socket returns timeout ${SEND_TIMEOUT_MS / 1000} s after it was called, within ${SEND_TIMEOUT_SLACK_MS} ms`,
      points: 2,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'])
        cluster.crash('b')
        const started = cluster.now
        const result = await sendto(cluster, 'a', 'b', text('anyone?'))
        const took = cluster.now - started
        t.check(result.type === 'timeout', 'sendto to a dead socket returns timeout, not sent', JSON.stringify(result))
        t.check(took >= SEND_TIMEOUT_MS && took <= SEND_TIMEOUT_MS + SEND_TIMEOUT_SLACK_MS, `the timeout comes between ${SEND_TIMEOUT_MS} and ${SEND_TIMEOUT_MS + SEND_TIMEOUT_SLACK_MS} ms after sendto`, `it came after ${took} ms`)
        const retries = sentDatagrams(cluster).filter((d) => d.from === 'a').length
        t.check(retries >= 2, 'the packet was sent again while no ack came', `a sent ${retries} datagram(s) in ${took} ms`)
      },
    },
    {
      name: 'senders-told-apart',
      title: 'Two senders using the same packet id are two messages: both delivered, each acknowledged to its sender',
      points: 2,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'])
        const id = 7 + t.rng.int(0, 1000)
        const receiving = receive(cluster, 'b', 3)
        cluster.client('g1').send('b', { type: 'datagram', data: dataBytes(id, text('from g1')) })
        cluster.client('g2').send('b', { type: 'datagram', data: dataBytes(id, text('from g2')) })
        const [got, viaSocket] = await Promise.all([receiving, sendto(cluster, 'a', 'b', text('from a'))])
        t.check(viaSocket.type === 'sent', 'a third sender, a socket, still gets its sent', JSON.stringify(viaSocket))
        const seen = got.map((r) => `${read(r.data)} (from ${r.from})`).sort()
        t.equal(seen, ['from a (from a)', 'from g1 (from g1)', 'from g2 (from g2)'], `b delivers both packets with id ${id} (from g1 and from g2) and a's message, each with its sender`)
        await cluster.sleep(100)
        for (const g of ['g1', 'g2']) {
          const acks = cluster.client(g).inbox.map((m) => (m as unknown as { data: Uint8Array }).data)
          t.check(acks.some((a) => hex(a) === hex(ackBytes(id))), `${g} gets the ACK of its packet ${id}`, acks.map(hex).join('; ') || 'nothing came back')
        }
      },
    },
    {
      name: 'large-payload',
      title: `A payload of ${MAX_PAYLOAD} bytes arrives intact; one byte more is refused with an error, not sent`,
      points: 1,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'])
        const big = new Uint8Array(MAX_PAYLOAD)
        for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff
        const [got, result] = await Promise.all([receive(cluster, 'b', 1), sendto(cluster, 'a', 'b', big)])
        t.check(result.type === 'sent', `sendto of ${MAX_PAYLOAD} bytes returns sent`, JSON.stringify({ type: result.type }))
        t.check(got.length === 1 && Buffer.compare(Buffer.from(got[0]?.data ?? []), Buffer.from(big)) === 0, `b receives the ${MAX_PAYLOAD} bytes unchanged`, `got ${got.length} message(s) of ${got.map((r) => r.data.length).join(', ')} bytes`)
        const before = sentDatagrams(cluster).length
        const tooBig = await sendto(cluster, 'a', 'b', new Uint8Array(MAX_PAYLOAD + 1))
        t.check(tooBig.type === 'error', `sendto of ${MAX_PAYLOAD + 1} bytes returns error (it cannot fit one UDP datagram)`, JSON.stringify({ type: tooBig.type }))
        t.check(sentDatagrams(cluster).length === before, 'and nothing is sent for it', `${sentDatagrams(cluster).length - before} datagram(s) went out`)
      },
    },
    {
      name: 'malformed-ignored',
      title: 'Short, unknown and stray datagrams are ignored: no crash, nothing delivered, nothing answered',
      points: 2,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'])
        const g = cluster.client('g')
        const junk: Array<[string, Uint8Array]> = [
          ['an empty datagram', new Uint8Array(0)],
          ['3 bytes', Uint8Array.of(0, 1, 2)],
          ['kind 2', Uint8Array.of(2, 0, 0, 0, 1, 9)],
          ['an ACK of a packet never sent', ackBytes(9)],
          ['an ACK with a payload', Uint8Array.of(1, 0, 0, 0, 9, 9)],
        ]
        // A recvfrom waits throughout: the junk must not fill it, the real message must.
        const waiting = receive(cluster, 'b', 1, 2000)
        waiting.catch(() => {}) // awaited below; a node failure meanwhile ends the test at the sleep
        for (const [, bytes] of junk) g.send('b', { type: 'datagram', data: bytes })
        await cluster.sleep(500)
        t.check(cluster.node('b').status === 'up', 'b is still up after the junk', cluster.node('b').errors.join('; '))
        const early = cluster.app('b').inbox.filter((r) => (r as AppResult).type === 'received')
        t.check(early.length === 0, "nothing reaches b's application", early.map((r) => hex((r as unknown as { data: Uint8Array }).data)).join('; '))
        t.check(g.inbox.length === 0, 'b answers none of them', g.inbox.map((m) => hex((m as unknown as { data: Uint8Array }).data)).join('; '))
        g.send('b', { type: 'datagram', data: dataBytes(42, text('real')) })
        const after = await waiting
        t.equal(after.map((r) => read(r.data)), ['real'], 'a well-formed DATA after the junk is delivered')
        await cluster.sleep(50)
        t.check(g.inbox.some((m) => hex((m as unknown as { data: Uint8Array }).data) === hex(ackBytes(42))), 'and acknowledged', g.inbox.map((m) => hex((m as unknown as { data: Uint8Array }).data)).join('; ') || 'no answer')
      },
    },
    {
      name: 'ack-from-the-peer',
      title: 'Only an ACK from the address a packet went to acknowledges it; an ACK from anyone else does not',
      points: 2,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'])
        cluster.block('b', 'a')
        const pending = sendto(cluster, 'a', 'b', text('who acks?'))
        pending.catch(() => {}) // awaited below; a node failure meanwhile ends the test at the sleep
        await cluster.sleep(50)
        const data = sentDatagrams(cluster).find((d) => d.from === 'a' && d.to === 'b')
        const id = data ? idOf(data.data) : null
        if (id === null) return t.fail('a sends its DATA to b', 'no datagram from a to b')
        cluster.client('g').send('a', { type: 'datagram', data: ackBytes(id) })
        const result = await pending
        t.check(result.type === 'timeout', `sendto returns timeout: the ACK of packet ${id} came from g, not from b (whose ACKs are blocked)`, JSON.stringify(result))
      },
    },
    {
      name: 'buffered-until-asked',
      title: 'Messages that arrive while the application is not in recvfrom are kept, and handed over in order when it asks',
      points: 1,
      async run(t) {
        const cluster = await socketCluster(t, ['a', 'b'])
        // First the application waits and gets one; then three arrive while it does not wait.
        const [first] = await Promise.all([receive(cluster, 'b', 1), sendto(cluster, 'a', 'b', text('waited-for'))])
        t.equal(first.map((r) => read(r.data)), ['waited-for'], "a message b's application was waiting for is handed over")
        const early = words(3, 'early')
        for (const w of early) {
          const r = await sendto(cluster, 'a', 'b', text(w))
          t.check(r.type === 'sent', `sendto("${w}") returns sent although b's application is not in recvfrom`, JSON.stringify(r))
        }
        const got = await receive(cluster, 'b', 3, 1000)
        t.equal(got.map((r) => read(r.data)), early, "b's application then receives the three, in order")
      },
    },
  ],
})
