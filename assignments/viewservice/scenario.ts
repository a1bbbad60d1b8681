// The viewservice story: three servers ping the coordinator; views form, a master dies, a spare
// joins in the same change, a rebooted master is demoted at once, and a view that the master
// never acknowledged is kept rather than changed. The servers here are scripted pingers.
import { defineScenario } from '../../lab/scenario/defineScenario.ts'
import type { Cluster } from '../../runtime/index.ts'
import type { View, ViewReply } from './messages.ts'

const TICK = 100
const DEAD_PINGS = 5

export default defineScenario({
  title: 'viewservice: views, failover and acknowledgements',
  description:
    'A coordinator (tick 100 ms, deadPings 5) and three servers s1, s2, s3 that ping it. Each view change is printed by the coordinator; ' +
    'the narration says which server stops pinging or reboots, and why the view does (or does not) change.',
  async run(lab) {
    const cluster = await lab.cluster({ network: { latency: 1 }, nodes: [{ name: 'vs', role: 'coordinator', config: { deadPings: DEAD_PINGS, tickInterval: TICK } }] })
    const ping = async (server: string, viewnum: number): Promise<View> => {
      const reply = await cluster.client(server).call<ViewReply>('vs', { type: 'PING', viewnum, name: server })
      return { number: reply.number, master: reply.master, backup: reply.backup }
    }
    /** Rounds of pings, one per tick, until `until` holds for the last answer. */
    const rounds = async (n: number, pings: () => Array<[string, number]>, until?: (v: View) => boolean): Promise<View | null> => {
      let last: View | null = null
      for (let round = 0; round < n; round++) {
        const start = cluster.now
        for (const [server, viewnum] of pings()) last = await ping(server, viewnum)
        if (until && last && until(last)) break
        await cluster.sleep(TICK - (cluster.now - start))
      }
      return last
    }
    await waitHalfTick(cluster)

    await lab.chapter('s1 pings first and becomes master; s2 joins as backup')
    await rounds(3, () => [['s1', 0]], (v) => v.master === 's1')
    await rounds(3, () => [['s1', 1], ['s2', 0]], (v) => v.backup === 's2')

    await lab.chapter('s1 stops pinging: after deadPings ticks, s2 takes over')
    await ping('s1', 2)
    await rounds(2 * DEAD_PINGS, () => [['s2', 2]], (v) => v.master === 's2')

    await lab.chapter('s1 reboots and pings 0: it comes back as backup')
    await ping('s2', 3)
    await rounds(3, () => [['s1', 0], ['s2', 3]], (v) => v.backup === 's1')

    await lab.chapter('s3 arrives and the master s2 dies: s1 takes over and s3 becomes backup in the same change')
    await ping('s2', 4)
    await rounds(2 * DEAD_PINGS, () => [['s3', 0], ['s1', 4]], (v) => v.master === 's1' && v.backup === 's3')

    await lab.chapter('the master s1 reboots: demoted at once, back as backup in the same change')
    await ping('s1', 5)
    await rounds(3, () => [['s1', 0], ['s3', 5]], (v) => v.master === 's3')

    await lab.chapter('s1 dies; a new view has only s3; s3 dies before acknowledging the next view')
    await rounds(2 * DEAD_PINGS, () => [['s3', 6]], (v) => v.number === 7)
    await lab.say('s3 acknowledges view 7; s2 reboots and joins as backup in view 8, which s3 never acknowledges.')
    await rounds(3, () => [['s3', 7], ['s2', 0]], (v) => v.backup === 's2')
    await lab.say('s3 goes silent. s2 keeps pinging, but the coordinator may not change an unacknowledged view: no new view appears.')
    await rounds(2 * DEAD_PINGS, () => [['s2', 8]])
    const view = await cluster.client('lab').call<ViewReply>('vs', { type: 'GET_VIEW' })
    await lab.say(`After ${2 * DEAD_PINGS} ticks the view is still ${view.number}: master ${view.master}, backup ${view.backup}.`)
  },
})

/** Pings happen half a tick after each tick, so a round of pings never straddles one. */
async function waitHalfTick(cluster: Cluster): Promise<void> {
  await cluster.sleep(TICK / 2)
}
