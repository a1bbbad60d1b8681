// The setting of every pbservice test: the viewservice *reference* coordinator (so a coordinator
// bug never costs pbservice points), servers s1..s3 from the solution, clerks that record a
// shared history, and a way to wait for a view.
import { CallTimeout, type Cluster, type LinkConfig } from '../../runtime/index.ts'
import { Clerk } from '../../assignments/pbservice/clerk.ts'
import type { ServerConfig } from '../../assignments/pbservice/messages.ts'
import { DEAD_PINGS, TICK, coordinatorNode } from '../../assignments/pbservice/setting.ts'
import type { View, ViewReply } from '../../assignments/viewservice/messages.ts'
import { checkLinearizability, kvModel, type KvOperation } from '../harness/linearizability/index.ts'
import type { TestContext } from '../harness/TestContext.ts'

export { DEAD_PINGS, TICK }

export interface Pb {
  cluster: Cluster
  history: KvOperation[]
  clerk(name: string): Clerk
  view(): Promise<View>
  /** Polls the coordinator each tick until `holds(view)`. */
  waitView(holds: (view: View) => boolean, what: string, timeout?: number): Promise<View>
  /** Waits a few ticks: long enough for a new view's master to copy to its backup and acknowledge it. */
  settle(): Promise<void>
}

export async function startPb(t: TestContext, options: { running: string[]; network?: LinkConfig }): Promise<Pb> {
  const config: ServerConfig = { coordinator: 'vs', tickInterval: TICK }
  const cluster = await t.cluster({
    network: options.network ?? { latency: [1, 5] },
    records: true,
    nodes: [
      coordinatorNode,
      ...['s1', 's2', 's3'].map((name) => ({ name, role: 'server', config, start: options.running.includes(name) })),
    ],
  })
  const history: KvOperation[] = []
  const clerks = new Map<string, Clerk>()
  // The grader's own client lives in the (possibly lossy) network too: it asks again.
  const view = async (): Promise<View> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await cluster.client('grader').call<ViewReply>('vs', { type: 'GET_VIEW' }, { timeout: TICK, match: (r) => r.type === 'VIEW' })
        return { number: reply.number, master: reply.master, backup: reply.backup }
      } catch (err) {
        if (!(err instanceof CallTimeout) || attempt === 10) throw err
      }
    }
  }
  return {
    cluster,
    history,
    clerk(name) {
      let clerk = clerks.get(name)
      if (!clerk) clerks.set(name, (clerk = new Clerk(cluster, name, { coordinator: 'vs', tickInterval: TICK, history })))
      return clerk
    },
    view,
    async waitView(holds, what, timeout = 20 * TICK) {
      const deadline = cluster.now + timeout
      for (;;) {
        const current = await view()
        if (holds(current)) return current
        if (cluster.now >= deadline) t.fail(`${what} within ${timeout} ms`, `the view is ${JSON.stringify(current)}`)
        await cluster.sleep(TICK)
      }
    },
    async settle() {
      await cluster.sleep(4 * TICK)
    },
  }
}

/** Fails the test unless the recorded history is linearizable. */
export function checkHistory(t: TestContext, history: KvOperation[]): void {
  const verdict = checkLinearizability(kvModel, history, { budget: 5_000_000 })
  if (verdict.result === 'illegal') t.fail('what the clients saw is linearizable (as if one copy of the data answered every request in turn)', verdict.explanation)
  if (verdict.result === 'unknown') t.fail('the history can be checked for linearizability', verdict.reason)
}

/** Fails unless the clerk's put completed. */
export async function put(t: TestContext, pb: Pb, clerk: string, key: string, value: string): Promise<void> {
  t.check(await pb.clerk(clerk).put(key, value), `${clerk}'s put(${key}, ${value}) completes (the clerk retries on errors)`)
}

/** Fails unless the clerk reads `expected`. */
export async function expectGet(t: TestContext, pb: Pb, clerk: string, key: string, expected: string | null, why: string): Promise<void> {
  const value = await pb.clerk(clerk).get(key)
  t.equal(value, expected, `${why}: get(${key}) returns ${JSON.stringify(expected)}`)
}
