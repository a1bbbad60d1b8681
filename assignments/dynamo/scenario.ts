// The dynamo story: six nodes, a partition with writes on both sides (siblings, then resolved by
// a write over both), a shopping cart merged across the partition, a replica cut off and its
// hinted copy handed back, and a node that joins.
import { defineScenario } from '../../lab/scenario/defineScenario.ts'
import type { ClientHandle, Cluster } from '../../runtime/index.ts'
import type { GetResp, LookupResp, PutResp } from './messages.ts'

const name = (i: number): string => `node0${i}`
const address = (n: string): string => `10.0.0.${Number(n.slice(4))}:9000`

export default defineScenario({
  title: 'dynamo: quorums, siblings, carts, hinted handoff and a join',
  description:
    'Five of six nodes form a ring (3 replicas per key). A partition lets both sides write the same key; the versions become siblings that ' +
    'a later write resolves. A cart written on both sides merges into the union of its items. A cut-off replica gets its copy back by ' +
    'hinted handoff, and node06 joins at the end. Nodes print membership changes and the handoffs they complete.',
  async run(lab) {
    const cluster = await lab.cluster({ network: { latency: [1, 5] }, nodes: [1, 2, 3, 4, 5, 6].map((i) => ({ name: name(i), role: 'node', address: address(name(i)) })) })
    const g = cluster.client('client', { address: '10.0.1.1:5000' })
    const get = async (node: string, key: string, quorum: number): Promise<GetResp> => {
      const r = await g.call<GetResp>(node, { type: 'GET', key, quorum })
      await lab.say(`GET ${key} (q=${quorum}) at ${node} → ${r.values.length ? r.values.map((v, i) => `${v} ${r.metadata[i]}`).join('  |  ') : '(nothing)'}`)
      return r
    }
    const put = async (node: string, key: string, value: string, quorum: number, metadata?: string | string[]): Promise<string> => {
      const r = await g.call<PutResp>(node, { type: 'PUT', key, value, quorum, ...(metadata ? { metadata } : {}) })
      await lab.say(`PUT ${key}=${value} (q=${quorum}) at ${node} → ${r.metadata ?? JSON.stringify(r)}`)
      return r.metadata
    }

    await lab.chapter('node01..node05 form a ring; node06 waits')
    for (let i = 1; i <= 5; i++) g.send(name(i), { type: 'JOIN', seed: address(name(1)) })
    await cluster.sleep(100)
    const { nodes } = await g.call<LookupResp>(name(1), { type: 'LOOKUP', key: 'color' })
    const replicas = nodes.map(([n]) => n)
    const others = [1, 2, 3, 4, 5].map(name).filter((n) => !replicas.includes(n))
    await lab.say(`the replicas of "color" are ${replicas.join(', ')}`)
    const m = await put(replicas[0] as string, 'color', 'red', 2)
    await get(others[0] as string, 'color', 2)

    await lab.chapter(`a partition: {${others[0]}, ${replicas[0]}} | {${others[1]}, ${replicas[1]}, ${replicas[2]}}, and a write on each side`)
    cluster.partition([others[0] as string, replicas[0] as string], [others[1] as string, replicas[1] as string, replicas[2] as string])
    await put(others[0] as string, 'color', 'blue', 2, m)
    await put(others[1] as string, 'color', 'green', 2, m)
    await lab.say('Both writes descend from "red" and neither from the other: after the partition heals they are siblings.')
    cluster.heal()
    await cluster.runEvents(100)
    const both = await get(replicas[1] as string, 'color', 2)
    await lab.say('A write over both siblings\' metadata resolves them:')
    await put(replicas[2] as string, 'color', 'purple', 2, both.metadata)
    await get(others[0] as string, 'color', 3)

    await lab.chapter('a shopping cart written on both sides of a partition')
    const cart = await put(replicas[0] as string, 'cart-alice', 'cheese,wine', 2)
    const cartReplicas = (await g.call<LookupResp>(name(1), { type: 'LOOKUP', key: 'cart-alice' })).nodes.map(([n]) => n)
    const cartOthers = [1, 2, 3, 4, 5].map(name).filter((n) => !cartReplicas.includes(n))
    cluster.partition([cartOthers[0] as string, cartReplicas[0] as string], [cartOthers[1] as string, cartReplicas[1] as string, cartReplicas[2] as string])
    await put(cartOthers[0] as string, 'cart-alice', 'cheese,wine,milk', 2, cart)
    await put(cartOthers[1] as string, 'cart-alice', 'cheese,wine,beer', 2, cart)
    cluster.heal()
    await cluster.runEvents(100)
    await lab.say('Concurrent carts merge into one holding every item:')
    await get(cartReplicas[1] as string, 'cart-alice', 3)

    await lab.chapter(`${replicas[0]} is cut off; a quorum-3 write needs a stand-in, which later hands the copy over`)
    cluster.isolate(replicas[0] as string)
    const latest = await get(replicas[1] as string, 'color', 2)
    await put(replicas[1] as string, 'color', 'orange', 3, latest.metadata)
    cluster.reconnect(replicas[0] as string)
    await cluster.runEvents(30)
    cluster.isolate(replicas[0] as string)
    await lab.say(`${replicas[0]}, cut off again, answers on its own:`)
    await get(replicas[0] as string, 'color', 1)
    cluster.heal()

    await lab.chapter('node06 joins through node02')
    g.send(name(6), { type: 'JOIN', seed: address(name(2)) })
    await cluster.runEvents(100)
    await get(name(6), 'cart-alice', 3)
  },
})

export type { Cluster, ClientHandle }
