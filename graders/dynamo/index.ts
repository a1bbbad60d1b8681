// The dynamo grader: the course's ten test cases (seed 002), one point each, in virtual time.
// "Cut off" isolates a node from every other node while the grader's own requests still reach
// it; cut-offs accumulate until healed. "After N events" runs N more node events (deliveries and
// timers), or fewer if the system falls quiet.
import { defineGrader } from '../harness/defineGrader.ts'
import { Dynamo, addressOf, sorted, type Version } from './dynamoCluster.ts'
import { Lineage, checkConverged, checkDurable } from './lineage.ts'

const items = (value: string): string[] => sorted(value.split(',').filter((i) => i !== ''))

/** Two clients and one replica on one side, one client and two replicas on the other. */
async function partitionedClients(dynamo: Dynamo, key: { replicas: string[]; others: string[] }): Promise<{ c1: string; c2: string; c3: string; r0: string; r1: string; r2: string }> {
  const [c1, c2, c3] = key.others as [string, string, string]
  const [r0, r1, r2] = key.replicas as [string, string, string]
  dynamo.cluster.partition([c1, c2, r0], [c3, r1, r2])
  return { c1, c2, c3, r0, r1, r2 }
}

export default defineGrader({
  assignment: 'dynamo',
  tests: [
    {
      name: 'basic',
      title: 'three replicas; a new key reads empty; writes are read back with their metadata from any node',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 6)
        const { key, replicas, others } = await dynamo.key()
        const [r0, r1] = replicas as [string, string]
        t.equal(await dynamo.get(r0, key, 2), { values: [], metadata: [] }, 'GET of a new key returns no values')
        const m1 = await dynamo.put(r0, key, 'v1', 2)
        t.equal(await dynamo.get(r1, key, 2), { values: ['v1'], metadata: [m1] }, 'another replica reads v1 with the metadata PUT returned')
        t.equal(await dynamo.get(others[0] as string, key, 2), { values: ['v1'], metadata: [m1] }, 'a non-replica reads v1 with the metadata PUT returned')
        const handed = dynamo.cluster.now
        const m2 = await dynamo.put(others[1] as string, key, 'v2', 2, m1)
        t.check(dynamo.cluster.now - handed <= 1000, 'with no fault, a PUT at a non-replica is answered within a second', `it took ${dynamo.cluster.now - handed} ms`)
        t.equal(await dynamo.get(replicas[2] as string, key, 2), { values: ['v2'], metadata: [m2] }, 'a write at a non-replica over v1 replaces it')
        // Sharding: with 3 copies on 6 nodes, each node holds about half of the keys. The band (20%
        // to 80%) catches a node storing everything or nothing; a fair ring leaves it about once
        // in 10^4 key sets.
        for (let i = 0; i < 59; i++) await dynamo.put(dynamo.names[i % 6] as string, `shard-${i}-${t.rng.int(0, 1e9)}`, 'x', 3)
        await dynamo.cluster.sleep(300)
        for (const node of dynamo.names) {
          const count = await dynamo.count(node)
          t.check(count >= 12 && count <= 48, 'each of the 6 nodes holds about half of 60 keys (between 12 and 48)', `${node} holds ${count}`)
        }
        // Bad input is answered with ERROR; answers are never answered (no error ping-pong).
        const malformed = [
          { type: 'FROBNICATE' },
          { type: 'GET', quorum: 2 },
          { type: 'GET', key, quorum: 0 },
          { type: 'PUT', key, quorum: 9, value: 'x' },
          { type: 'PUT', key, quorum: 2 },
          { type: 'PUT', key, value: 'x', quorum: 2, metadata: 'not metadata any node returned' },
          { type: 'PUT', key, value: 'x', quorum: 2, metadata: 5 },
          { type: 'LOOKUP' },
        ]
        for (const bad of malformed) {
          const answer = await dynamo.g.call<{ type: string; reason?: unknown }>(r0, bad, { timeout: 500 })
          t.check(answer.type === 'ERROR' && typeof answer.reason === 'string', `${JSON.stringify(bad)} is answered with ERROR and a reason`, JSON.stringify(answer))
        }
        const heard = dynamo.g.inbox.length
        for (const stray of [{ type: 'ERROR', reason: 'x' }, { type: 'GET_RESP', key, values: [], metadata: [] }]) dynamo.g.send(r0, stray)
        await dynamo.cluster.sleep(200)
        t.check(dynamo.g.inbox.length === heard, 'a node does not answer an answer (ERROR, GET_RESP, ...): no error ping-pong', `it answered ${JSON.stringify(dynamo.g.inbox.slice(heard))}`)
      },
    },
    {
      name: 'replicas-check',
      title: 'a write with quorum 3 is held by each replica on its own',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 6)
        const { key, replicas } = await dynamo.key()
        const m = await dynamo.put(replicas[0] as string, key, 'value', 3)
        for (const replica of replicas) t.equal(await dynamo.heldBy(replica, key), { values: ['value'], metadata: [m] }, `${replica}, cut off, holds the value`)
      },
    },
    {
      name: 'stale-replica',
      title: 'a replica that missed a write reads the newer version, and is repaired by the read',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 3)
        const { key, replicas } = await dynamo.key()
        const [r0, r1, r2] = replicas as [string, string, string]
        const m1 = await dynamo.put(r0, key, 'v1', 3)
        dynamo.cluster.isolate(r2)
        const m2 = await dynamo.put(r0, key, 'v2', 2, m1)
        dynamo.cluster.isolate(r0)
        dynamo.cluster.reconnect(r2)
        t.equal(await dynamo.get(r2, key, 2), { values: ['v2'], metadata: [m2] }, 'the stale replica reads the newer version (r1 has it)')
        void r1
        await dynamo.cluster.runEvents(50)
        dynamo.cluster.isolate(r2)
        t.equal(await dynamo.get(r2, key, 1), { values: ['v2'], metadata: [m2] }, 'read repair updated the stale replica')
        dynamo.cluster.heal()
        // A stale replica that answers after the quorum did is repaired too ("every replica that
        // answered with less"): its links are slow, so r0 and r1 make the quorum without it.
        const late = (await dynamo.key('late')).key
        const w1 = await dynamo.put(r0, late, 'w1', 3)
        dynamo.cluster.isolate(r2)
        const w2 = await dynamo.put(r0, late, 'w2', 2, w1)
        dynamo.cluster.reconnect(r2)
        for (const other of [r0, r1]) dynamo.cluster.configureLink(r2, other, { latency: 40 })
        t.equal(await dynamo.get(r0, late, 2), { values: ['w2'], metadata: [w2] }, 'a read (q=2) at an up-to-date replica returns w2')
        await dynamo.cluster.sleep(500)
        for (const other of [r0, r1]) dynamo.cluster.configureLink(r2, other, null)
        t.equal(await dynamo.heldBy(r2, late), { values: ['w2'], metadata: [w2] }, 'read repair also updated the stale replica that answered after the quorum')
      },
    },
    {
      name: 'replicas-divergence',
      title: 'concurrent writes at cut-off replicas all survive as siblings',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 6)
        const { key, replicas } = await dynamo.key()
        const lineage = new Lineage()
        const m = await dynamo.put(replicas[0] as string, key, 'v', 3)
        lineage.wrote('v')
        for (const [i, replica] of replicas.entries()) {
          dynamo.cluster.isolate(replica)
          await dynamo.put(replica, key, `v${i}`, 1, m)
          lineage.wrote(`v${i}`, ['v'])
        }
        dynamo.cluster.heal()
        await dynamo.cluster.runEvents(100)
        const read = await dynamo.get(replicas[0] as string, key, 3)
        t.equal(sorted(read.values), ['v0', 'v1', 'v2'], 'a read with quorum 3 returns all three concurrent versions')
        checkDurable(dynamo, lineage, read, 'after healing')
        await checkConverged(dynamo, key, replicas)
      },
    },
    {
      name: 'sloppy-quorum',
      title: 'with a replica cut off, a stand-in takes its copy, and hands it over when it is back',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 6)
        const { key, replicas, others } = await dynamo.key()
        const [r0, r1] = replicas as [string, string]
        const m1 = await dynamo.put(r1, key, 'v1', 3)
        dynamo.cluster.isolate(r0)
        const m2 = await dynamo.put(r1, key, 'v2', 3, m1)
        const before = dynamo.cluster.now
        t.equal(await dynamo.get(r1, key, 3), { values: ['v2'], metadata: [m2] }, 'a read with quorum 3 finds v2 through the stand-in')
        t.check(dynamo.cluster.now - before <= 1000, 'and quickly', `it took ${dynamo.cluster.now - before} ms`)
        // A write at a non-replica, handed to a replica that needs a stand-in for its quorum, is
        // written once: one version, not two coordinations' siblings.
        const other = await dynamo.key('other')
        dynamo.cluster.reconnect(r0)
        dynamo.cluster.isolate(other.replicas[0] as string)
        const once = await dynamo.put(other.others[0] as string, other.key, 'once', 3)
        t.equal(await dynamo.get(other.replicas[1] as string, other.key, 3), { values: ['once'], metadata: [once] }, 'a PUT (q=3) at a non-replica while a replica is cut off is written once: one version')
        dynamo.cluster.reconnect(other.replicas[0] as string)
        dynamo.cluster.isolate(r0)
        // A write whose quorum the two live replicas make still gives the third's copy to a stand-in.
        const m3 = await dynamo.put(r1, key, 'v3', 2, m2)
        // The replica stays away past several handoff attempts: the stand-in must keep trying.
        await dynamo.cluster.sleep(1000)
        dynamo.cluster.reconnect(r0)
        await dynamo.cluster.sleep(1000)
        dynamo.cluster.isolate(r0)
        t.equal(await dynamo.get(r0, key, 1), { values: ['v3'], metadata: [m3] }, 'hinted handoff brought v3 (written with quorum 2 while it was away: a stand-in still took its copy) to the replica that was cut off for a second, once it was back')
      },
    },
    {
      name: 'partitioned-client',
      title: 'a node cut off from all replicas still completes a write and reads it back',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 6)
        const { key, replicas, others } = await dynamo.key()
        dynamo.cluster.partition(others, replicas)
        const m = await dynamo.put(others[0] as string, key, 'v', 2)
        t.equal(await dynamo.get(others[1] as string, key, 2), { values: ['v'], metadata: [m] }, 'another node on the same side reads it with its metadata')
        // A non-replica that shares its side with one replica only: a write with quorum 3 cannot be
        // made there (two nodes), whoever coordinates it; the client hears ERROR, in time.
        dynamo.cluster.heal()
        dynamo.cluster.partition([others[0] as string, replicas[0] as string], [...others.slice(1), ...replicas.slice(1)])
        const three = await dynamo.g.call<{ type: string }>(others[0] as string, { type: 'PUT', key, value: 'three', quorum: 3, metadata: m }, { timeout: 3000 }).catch(() => null)
        t.check(three?.type === 'ERROR', `${others[0]}, with only ${replicas[0]} on its side, answers a PUT with quorum 3 with ERROR`, `got ${JSON.stringify(three)}`)
        dynamo.cluster.heal()
        // A node cut off from every other node cannot make a quorum of 2: it says so (ERROR), in time.
        const alone = others[2] as string
        dynamo.cluster.isolate(alone)
        for (const request of [{ type: 'GET', key, quorum: 2 }, { type: 'PUT', key, value: 'w', quorum: 2, metadata: m }]) {
          const answer = await dynamo.g.call<{ type: string }>(alone, request, { timeout: 3000 }).catch(() => null)
          t.check(answer?.type === 'ERROR', `${alone}, cut off from every other node, answers a ${request.type} with quorum 2 with ERROR (the quorum cannot be reached)`, `got ${JSON.stringify(answer)}`)
        }
        dynamo.cluster.heal()
        // The first replica of a key can reach only the non-replica that hands it a PUT (q=3): its
        // coordination cannot make the quorum and ends in ERROR after its rounds. The PUT is still
        // written once, and answered once: the non-replica neither gives up on that replica early
        // nor coordinates the PUT again after the ERROR.
        const once = await dynamo.key('once')
        const [f0, f1] = once.replicas as [string, string]
        const via = once.others[0] as string
        for (const node of dynamo.names) {
          if (node === f0 || node === via) continue
          dynamo.cluster.block(f0, node)
          dynamo.cluster.block(node, f0)
        }
        await dynamo.g.call(via, { type: 'PUT', key: once.key, value: 'once', quorum: 3 }, { timeout: 3000 }).catch(() => null)
        const heard = dynamo.g.inbox.length
        await dynamo.cluster.sleep(1500)
        t.check(dynamo.g.inbox.length === heard, `${via} answers that PUT once`, `then it also sent ${JSON.stringify(dynamo.g.inbox.slice(heard))}`)
        dynamo.cluster.heal()
        await dynamo.cluster.sleep(1000)
        const read = await dynamo.get(f1, once.key, 3)
        t.check(read.values.filter((v) => v === 'once').length <= 1, `a PUT at ${via}, handed to ${f0} that could reach only it, is written once: a later read finds one version, not siblings of two coordinations`, JSON.stringify(read.values))
      },
    },
    {
      name: 'partitioned-clients',
      title: 'writes on both sides of a partition become siblings that every node and replica agrees on',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 6)
        const key = await dynamo.key()
        const lineage = new Lineage()
        const m = await dynamo.put(key.replicas[0] as string, key.key, 'v', 2)
        lineage.wrote('v')
        const { c1, c2, c3 } = await partitionedClients(dynamo, key)
        t.equal((await dynamo.get(c1, key.key, 2)).values, ['v'], `${c1} reads v`)
        const m1 = await dynamo.put(c1, key.key, 'v1', 2, m)
        lineage.wrote('v1', ['v'])
        t.equal((await dynamo.get(c2, key.key, 2)).values, ['v1'], `${c2} reads v1`)
        await dynamo.put(c2, key.key, 'v12', 2, m1)
        lineage.wrote('v12', ['v1'])
        t.equal((await dynamo.get(c2, key.key, 2)).values, ['v12'], `${c2} reads exactly v12`)
        await dynamo.put(c3, key.key, 'v3', 2, m)
        lineage.wrote('v3', ['v'])
        t.equal((await dynamo.get(c3, key.key, 2)).values, ['v3'], `${c3}, on the other side, reads v3`)
        dynamo.cluster.heal()
        await dynamo.cluster.runEvents(100)
        const reads: Version[] = []
        for (const client of [c1, c2, c3]) reads.push(await dynamo.get(client, key.key, 2))
        for (const [i, read] of reads.entries()) t.equal(sorted(read.values), ['v12', 'v3'], `after healing, ${[c1, c2, c3][i]} reads both v12 and v3`)
        t.check(reads.every((r) => JSON.stringify(sorted(r.metadata)) === JSON.stringify(sorted(reads[0]?.metadata ?? []))), 'every node returns the same metadata for them', reads.map((r) => JSON.stringify(r.metadata)).join(' / '))
        checkDurable(dynamo, lineage, reads[0] as Version, 'after healing')
        const held = await checkConverged(dynamo, key.key, key.replicas)
        t.equal(sorted(held[0]?.values ?? []), ['v12', 'v3'], 'each replica, cut off, holds v12 and v3')
      },
    },
    {
      name: 'shopping-cart',
      title: 'concurrent versions of a cart merge into one: the union of the items, in storage too',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 6)
        const key = await dynamo.key('cart')
        const all = ['beer', 'cheese', 'eggs', 'milk', 'snacks', 'wine']
        const m = await dynamo.put(key.replicas[0] as string, key.key, 'cheese,wine', 2)
        const { c1, c2, c3 } = await partitionedClients(dynamo, key)
        const read1 = await dynamo.get(c1, key.key, 2)
        const m1 = await dynamo.put(c1, key.key, `${read1.values[0]},milk`, 2, read1.metadata)
        const read2 = await dynamo.get(c2, key.key, 2)
        t.equal(items(read2.values[0] ?? ''), ['cheese', 'milk', 'wine'], `${c2} reads the cart with milk`)
        await dynamo.put(c2, key.key, `${read2.values[0]},eggs`, 2, read2.metadata)
        void m1
        // Both sides add milk: a merge that concatenates instead of taking the union has it twice.
        await dynamo.put(c3, key.key, 'snacks,beer,milk', 2, m)
        dynamo.cluster.heal()
        await dynamo.cluster.runEvents(100)
        const merged: string[] = []
        for (const client of [c1, c2, c3]) {
          const read = await dynamo.get(client, key.key, 2)
          t.check(read.values.length === 1, `${client} reads one merged cart, not siblings`, JSON.stringify(read.values))
          t.equal(items(read.values[0] ?? ''), all, `${client}'s cart holds every item added on either side`)
          merged.push(read.metadata[0] ?? '')
        }
        // Each replica merged the two sides in the order they reached it: metadata is canonical.
        t.check(new Set(merged).size === 1, 'every node returns the same metadata for the merged cart (metadata is canonical, whatever order the versions met in)', merged.join(' / '))
        const held = await checkConverged(dynamo, key.key, key.replicas)
        for (const [i, replica] of key.replicas.entries()) {
          t.check(held[i]?.values.length === 1 && JSON.stringify(items(held[i]?.values[0] ?? '')) === JSON.stringify(all), `${replica}, cut off, holds exactly the one merged cart`, JSON.stringify(held[i]?.values))
          t.equal(await dynamo.count(replica), 1, `${replica} stores the merged cart as one record (merged in storage, not only in the reply)`)
        }
      },
    },
    {
      name: 'node-join',
      title: 'a node that joins is known to every member, serves reads, and takes over keys',
      points: 1,
      async run(t) {
        // The node that creates the cluster is a member at once: alone, it serves a read (q=1).
        const whileAlone = async (d: Dynamo, seed: string): Promise<void> => {
          t.equal(await d.get(seed, 'alone', 1), { values: [], metadata: [] }, `${seed}, the cluster's only member, answers a GET (q=1)`)
        }
        const dynamo = await Dynamo.start(t, 6, { join: ['node02', 'node03', 'node04', 'node05', 'node06'], whileAlone })
        const keys = Array.from({ length: 30 }, (_, i) => `join-${i}-${t.rng.int(0, 1e9)}`)
        for (const key of keys) t.check(!(await dynamo.lookup('node02', key)).includes('node01'), 'before it joins, node01 is never a replica', key)
        // A JOIN without a usable seed joins nothing. A node in no cluster cannot serve a read
        // (messages.ts: ERROR, "not in a cluster").
        for (const bad of [{ type: 'JOIN' }, { type: 'JOIN', seed: 9000 }]) dynamo.g.send('node01', bad)
        await dynamo.cluster.sleep(200)
        dynamo.g.inbox.splice(0)
        const outside = await dynamo.g.call<{ type: string }>('node01', { type: 'GET', key: keys[0], quorum: 1 }, { timeout: 3000 }).catch(() => null)
        t.check(outside?.type === 'ERROR', 'before it joins (after two malformed JOINs), node01 answers a GET with ERROR (it is in no cluster)', `got ${JSON.stringify(outside)}`)
        const key = t.rng.pick(keys)
        for (const other of keys) await dynamo.put('node03', other, other === key ? 'kept' : `v-${other}`, 3)
        dynamo.g.send('node01', { type: 'JOIN', seed: '10.0.0.2:9000' })
        await dynamo.converged(dynamo.names, 'after node01 joins, every member lists all six nodes')
        // Before any read (a read would repair it): the newcomer holds its keys itself, handed over.
        await dynamo.cluster.sleep(2000)
        for (const other of keys) {
          if (!(await dynamo.lookup('node02', other)).includes('node01')) continue
          t.equal((await dynamo.heldBy('node01', other)).values, [other === key ? 'kept' : `v-${other}`], `node01, now a replica of ${other}, holds it itself once the old replicas handed it over`)
        }
        t.equal((await dynamo.get('node01', key, 3)).values, ['kept'], 'node01 reads (q=3) a value written before it joined')
        let owns = false
        for (let i = 0; i < 100 && !owns; i++) owns = (await dynamo.lookup(t.rng.pick(dynamo.names), `probe-${i}-${t.rng.int(0, 1e9)}`)).includes('node01')
        t.check(owns, 'node01 is a replica of some of 100 random keys')
      },
    },
    {
      name: 'node-leave',
      title: 'a node that leaves is forgotten by every member and named for no key, and no data is lost',
      points: 1,
      async run(t) {
        const dynamo = await Dynamo.start(t, 6)
        const { key, replicas } = await dynamo.key()
        await dynamo.put(replicas[0] as string, key, 'kept', 2)
        const leaver = replicas[1] as string
        dynamo.g.send(leaver, { type: 'LEAVE' })
        const rest = dynamo.names.filter((n) => n !== leaver)
        await dynamo.converged(rest, `after ${leaver} leaves, the other five list only themselves`)
        // A node that left stays out: a JOIN it is sent later is ignored.
        dynamo.g.send(leaver, { type: 'JOIN', seed: addressOf(rest[0] as string) })
        await dynamo.cluster.sleep(500)
        await dynamo.converged(rest, `${leaver}, having left, ignores a later JOIN: the other five still list only themselves`)
        for (const node of rest) t.check(!(await dynamo.lookup(node, key)).includes(leaver), `${node} no longer names ${leaver} as a replica of the key`)
        for (let i = 0; i < 100; i++) t.check(!(await dynamo.lookup(t.rng.pick(rest), `probe-${i}-${t.rng.int(0, 1e9)}`)).includes(leaver), `no key has ${leaver} as a replica`)
        await dynamo.cluster.runEvents(100)
        t.equal((await dynamo.get(rest[0] as string, key, 2)).values, ['kept'], 'the value is still read with quorum 2')
        // The node that left is in no cluster: it serves no read (messages.ts: ERROR, "not in a cluster").
        const left = await dynamo.g.call<{ type: string }>(leaver, { type: 'GET', key, quorum: 1 }, { timeout: 3000 }).catch(() => null)
        t.check(left?.type === 'ERROR', `${leaver}, having left, answers a GET with ERROR (it is in no cluster)`, `got ${JSON.stringify(left)}`)
      },
    },
  ],
})
