// Drives the coordinator the way the course's test_coordinator.py does: servers s1..s3 are the
// grader's own clients that ping in rounds, one round per tick, half a tick after each tick so a
// round never straddles one.
import type { ClientHandle, Cluster } from '../../runtime/index.ts'
import type { View, ViewReply } from '../../assignments/viewservice/messages.ts'
import type { TestContext } from '../harness/TestContext.ts'

export const DEAD_PINGS = 5
export const TICK = 100
export type Server = 's1' | 's2' | 's3'

export class ViewScript {
  private readonly servers: Record<Server, ClientHandle>

  private constructor(
    readonly t: TestContext,
    readonly cluster: Cluster,
  ) {
    this.servers = { s1: cluster.client('s1'), s2: cluster.client('s2'), s3: cluster.client('s3') }
  }

  static async start(t: TestContext): Promise<ViewScript> {
    const cluster = await t.cluster({ nodes: [{ name: 'vs', role: 'coordinator', config: { deadPings: DEAD_PINGS, tickInterval: TICK } }], network: { latency: [1, 3] } })
    return new ViewScript(t, cluster)
  }

  /**
   * One PING. Its answer must be the view after the ping had its effect (the course's
   * test_coordinator.py reads views from these answers): the grader compares it with GET_VIEW
   * asked right after, in the same tick.
   */
  async ping(server: Server, viewnum: number): Promise<View> {
    const reply = await this.servers[server].call<ViewReply>('vs', { type: 'PING', viewnum, name: server }, { timeout: TICK })
    this.t.check(reply.type === 'VIEW', `the coordinator answers ${server}'s PING with its VIEW`, `got ${JSON.stringify(reply)}`)
    const answered = { number: reply.number, master: reply.master, backup: reply.backup }
    const current = await this.view()
    this.t.equal(answered, current, `the answer to ${server}'s PING(${viewnum}) is the view after that ping`)
    return answered
  }

  async view(): Promise<View> {
    const reply = await this.cluster.client('grader').call<ViewReply>('vs', { type: 'GET_VIEW' }, { timeout: TICK })
    this.t.check(reply.type === 'VIEW', 'the coordinator answers GET_VIEW with its VIEW', `got ${JSON.stringify(reply)}`)
    return { number: reply.number, master: reply.master, backup: reply.backup }
  }

  /**
   * Up to `rounds` rounds of pings, one per tick; stops early once `until` holds for the view the
   * last ping returned. Returns the number of rounds it took.
   */
  async rounds(rounds: number, pings: () => Array<[Server, number]>, until?: (view: View) => boolean): Promise<number> {
    for (let round = 1; round <= rounds; round++) {
      await this.midTick()
      let last: View | null = null
      for (const [server, viewnum] of pings()) last = await this.ping(server, viewnum)
      if (until && last && until(last)) return round
    }
    return rounds
  }

  /**
   * Waits for the next instant half-way between two of the coordinator's ticks (it ticks every
   * TICK ms from its start at 0). Each round starts there, so its pings (a few ms) never straddle
   * a tick, however much stand-alone pings have shifted things before it.
   */
  private async midTick(): Promise<void> {
    const phase = this.cluster.now % TICK
    await this.cluster.sleep(phase <= TICK / 2 ? TICK / 2 - phase : TICK * 1.5 - phase)
  }

  /** Checks the exact view, with the expectation and the step in the sentence. */
  async expect(step: string, master: string | null, backup: string | null, number: number): Promise<void> {
    const view = await this.view()
    this.t.equal(view, { number, master, backup }, `${step}: the view is (${master ?? '–'}, ${backup ?? '–'}, ${number})`)
  }
}
