// The tests' view of reliable sockets: a cluster of them, and their applications' sendto and
// recvfrom as calls that resolve with the socket's result.
import { MAX_RETRANSMIT_MS, SEND_TIMEOUT_MS, SEND_TIMEOUT_SLACK_MS, type AppResult, type Received } from '../../assignments/reliable-udp/messages.ts'
import type { TestContext } from '../harness/TestContext.ts'
import type { Cluster, LinkConfig } from '../../runtime/index.ts'

/** How long an application waits for sendto's answer: the give-up bound, and then some. */
export const SENDTO_WAIT = SEND_TIMEOUT_MS + SEND_TIMEOUT_SLACK_MS + 2 * MAX_RETRANSMIT_MS

export async function socketCluster(t: TestContext, names: string[], network: LinkConfig = { latency: [1, 5] }): Promise<Cluster> {
  return t.cluster({ network, records: true, nodes: names.map((name) => ({ name, role: 'socket' })) })
}

export function sendto(cluster: Cluster, from: string, to: string, data: Uint8Array): Promise<AppResult> {
  return cluster.app(from).call<AppResult>({ type: 'sendto', to, data }, { timeout: SENDTO_WAIT })
}

/**
 * Asks `at`'s socket for `n` messages at once (n recvfrom requests, as n waiting threads would)
 * and resolves with the messages that came within `wait` ms, in the order they were handed over.
 */
export async function receive(cluster: Cluster, at: string, n: number, wait: number = SENDTO_WAIT): Promise<Received[]> {
  const app = cluster.app(at)
  const requests = new Set<number>()
  for (let i = 0; i < n; i++) requests.add(app.send({ type: 'recvfrom' }))
  const got = (): Received[] => app.inbox.filter((r): r is Received => (r as AppResult).type === 'received' && requests.has((r as Received).request))
  try {
    await cluster.until(() => got().length >= n, { timeout: wait, what: `${n} messages at ${at}` })
  } catch (err) {
    if (cluster.failure) throw err
  }
  return got()
}
