// The reliable-udp story: two sockets, a and b. A message crosses a quiet network; then 30% of
// datagrams are lost, then duplicated and reordered, and every message still reaches b's
// application exactly once; then b dies and a's sendto gives up with a timeout.
import { defineScenario } from '../../lab/scenario/defineScenario.ts'
import type { Cluster } from '../../runtime/index.ts'
import type { AppResult, Received, Sent } from './messages.ts'
import { SEND_TIMEOUT_MS } from './messages.ts'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const read = (data: Uint8Array): string => new TextDecoder().decode(data)

export default defineScenario({
  title: 'reliable-udp: acknowledgements and retransmission over a lossy network',
  description:
    "Two reliable sockets, a and b. a's application sends messages to b with sendto (which waits for the acknowledgement); b's application takes them with recvfrom. " +
    'The network loses, duplicates and reorders datagrams; the narration counts what crossed the wire.',
  async run(lab) {
    const cluster = await lab.cluster({ network: { latency: [1, 5] }, nodes: [{ name: 'a', role: 'socket' }, { name: 'b', role: 'socket' }] })
    const a = cluster.app('a')
    const b = cluster.app('b')
    const sendAll = async (messages: string[]): Promise<AppResult[]> => Promise.all(messages.map((m) => a.call<AppResult>({ type: 'sendto', to: 'b', data: text(m) }, { timeout: SEND_TIMEOUT_MS + 2000 })))
    const receive = async (n: number): Promise<string[]> => {
      const got: string[] = []
      for (let i = 0; i < n; i++) got.push(read((await b.call<Received>({ type: 'recvfrom' }, { timeout: SEND_TIMEOUT_MS + 2000 })).data))
      return got
    }

    await lab.chapter('a quiet network: one DATA, one ACK')
    await lab.say("b's application calls recvfrom and waits; a's calls sendto(\"hello\", b).")
    const [hello, [sent]] = await Promise.all([receive(1), sendAll(['hello'])])
    await lab.say(`b received "${hello[0]}"; a's sendto returned ${sent?.type} for packet ${(sent as Sent).id}. On the wire: 00 + the id (4 bytes, big-endian) + "hello", then 01 + the id.`)

    await lab.chapter('30% of datagrams lost: a retransmits until acknowledged')
    cluster.configureNetwork({ loss: 0.3 })
    const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight']
    await countingDatagrams(lab, cluster, async () => {
      const [got, results] = await Promise.all([receive(words.length), sendAll(words)])
      await lab.say(`${results.filter((r) => r.type === 'sent').length} of ${words.length} sendto calls returned sent; b's application got ${got.length} messages, each once: ${got.join(', ')}.`)
    })

    await lab.chapter('duplicated and reordered datagrams: still each message once')
    cluster.configureNetwork({ loss: 0, duplicate: 0.5, reorder: true, latency: [1, 40] })
    const more = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']
    await countingDatagrams(lab, cluster, async () => {
      const [got] = await Promise.all([receive(more.length), sendAll(more)])
      await lab.say(`b's application got ${got.length} messages for ${more.length} sent (duplicates were acknowledged again, not delivered again): ${got.join(', ')}.`)
    })
    await cluster.sleep(200)
    const extra = await b.call<AppResult>({ type: 'recvfrom' }, { timeout: 300 }).then((r) => r, () => null)
    await lab.say(extra ? `✗ one more message was waiting: a duplicate was delivered twice` : '✓ no further message is waiting: nothing was delivered twice')

    await lab.chapter(`b dies: a's sendto gives up after ${SEND_TIMEOUT_MS / 1000} s`)
    cluster.configureNetwork({ duplicate: 0, reorder: false, latency: [1, 5] })
    cluster.crash('b')
    const started = cluster.now
    const [lost] = await sendAll(['anyone there?'])
    await lab.say(`sendto returned ${lost?.type} after ${((cluster.now - started) / 1000).toFixed(1)} s of retransmitting into silence.`)
  },
})

/** Runs `body`, then says how many datagrams crossed the network meanwhile. */
async function countingDatagrams(lab: { say(text: string): Promise<void> }, cluster: Cluster, body: () => Promise<void>): Promise<void> {
  const before = { sent: cluster.stats.sent, dropped: cluster.stats.dropped }
  await body()
  await lab.say(`Datagrams sent meanwhile: ${cluster.stats.sent - before.sent}, of which the network lost ${cluster.stats.dropped - before.dropped}.`)
}
