// The pbservice story: a master and its backup, a copy before acknowledging, failover, a
// restarted server refilled, and a master cut off from the coordinator that can no longer answer.
import { defineScenario } from '../../lab/scenario/defineScenario.ts'
import { CallTimeout } from '../../runtime/index.ts'
import type { View, ViewReply } from '../viewservice/messages.ts'
import { Clerk } from './clerk.ts'
import type { ServerConfig } from './messages.ts'
import { TICK, coordinatorNode } from './setting.ts'

export default defineScenario({
  title: 'pbservice: primary/backup replication, failover and a partitioned master',
  description:
    'A coordinator (the viewservice reference) and servers s1, s2, s3. A clerk writes and reads keys while servers start, crash and restart; ' +
    'the coordinator prints each view, the servers print what they became and how many keys they copied.',
  async run(lab) {
    const config: ServerConfig = { coordinator: 'vs', tickInterval: TICK }
    const cluster = await lab.cluster({
      network: { latency: [1, 5] },
      nodes: [
        coordinatorNode,
        { name: 's1', role: 'server', config },
        { name: 's2', role: 'server', config, start: false },
        { name: 's3', role: 'server', config, start: false },
      ],
    })
    const clerk = new Clerk(cluster, 'clerk', { coordinator: 'vs', tickInterval: TICK })
    const view = async (): Promise<View> => cluster.client('lab').call<ViewReply>('vs', { type: 'GET_VIEW' })
    const waitFor = async (holds: (v: View) => boolean): Promise<void> => {
      while (!holds(await view())) await cluster.sleep(TICK)
    }
    const put = async (key: string, value: string): Promise<void> => {
      const ok = await clerk.put(key, value)
      await lab.say(`clerk: put(${key}, ${value}) → ${ok ? 'ok' : 'gave up'}`)
    }
    const get = async (key: string): Promise<void> => {
      const value = await clerk.get(key)
      await lab.say(`clerk: get(${key}) → ${value === undefined ? 'gave up' : JSON.stringify(value)}`)
    }

    await lab.chapter('s1 starts alone and becomes master; the clerk writes two keys')
    await waitFor((v) => v.master === 's1')
    await put('a', '1')
    await put('b', '2')

    await lab.chapter('s2 starts and becomes backup: s1 copies everything before acknowledging the view')
    cluster.restart('s2')
    await waitFor((v) => v.backup === 's2')
    await cluster.sleep(4 * TICK)
    await put('c', '3')
    await lab.say('c was forwarded to s2 before s1 answered.')

    await lab.chapter('s1 crashes: after 5 silent ticks, s2 takes over with all three keys')
    cluster.crash('s1')
    await waitFor((v) => v.master === 's2')
    for (const key of ['a', 'b', 'c']) await get(key)

    await lab.chapter('s1 restarts empty and is refilled as backup')
    cluster.restart('s1')
    await waitFor((v) => v.master === 's2' && v.backup === 's1')
    await cluster.sleep(4 * TICK)

    await lab.chapter('s2 is cut off from the coordinator (clients still reach it); s3 is idle')
    cluster.restart('s3')
    cluster.block('s2', 'vs')
    cluster.block('vs', 's2')
    await waitFor((v) => v.master === 's1')
    await cluster.sleep(4 * TICK)
    await lab.say('s1 took over, copied its data to s3 and serves. The clerk writes a new value:')
    await put('a', 'new')
    await lab.say('A client that still talks to the cut-off s2 asks it for a:')
    try {
      const answer = await cluster.client('old-client').call<{ type: string; reason?: string; value?: string }>('s2', { type: 'GET', key: 'a', rid: 1 }, { timeout: 3 * TICK })
      await lab.say(
        answer.type === 'ERROR'
          ? `s2 answers ERROR (${answer.reason}): s1 no longer takes s2 for the master, so s2 cannot vouch for its old value.`
          : `s2 answers ${answer.type} ${JSON.stringify(answer.value)}.`,
      )
    } catch (err) {
      if (!(err instanceof CallTimeout)) throw err
      await lab.say('s2 does not answer.')
    }
    await get('a')
  },
})
