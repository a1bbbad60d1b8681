// The pbservice grader, 10 points, one per test: the course's server test (seed 000 §4) and
// MIT 6.824's strongest primary/backup cases. Clients are the assignment's clerk; the tests with
// concurrency, crashes or an unreliable network require the clients' history to be linearizable.
import { CallTimeout } from '../../runtime/index.ts'
import type { ErrorReply, GetOk, PutOk } from '../../assignments/pbservice/messages.ts'
import { COORDINATOR_MODULE } from '../../assignments/pbservice/setting.ts'
import { defineGrader } from '../harness/defineGrader.ts'
import type { TestContext } from '../harness/TestContext.ts'
import { DEAD_PINGS, TICK, checkHistory, expectGet, put, startPb, type Pb } from './pbCluster.ts'

type Answer = PutOk | GetOk | ErrorReply

let directRid = 1_000_000

/** Sends one request straight to `server` (no clerk, no retry) and returns its answer, or null. */
async function direct(pb: Pb, server: string, request: Record<string, unknown> & { type: string }): Promise<Answer | null> {
  const rid = ++directRid
  return pb.cluster
    .client('direct')
    .call<Answer>(server, { ...request, rid }, { timeout: 3 * TICK, match: (r) => r.rid === rid })
    .catch((err: unknown) => {
      if (err instanceof CallTimeout) return null
      throw err
    })
}

/** s1 master, s2 backup holding a copy, the view acknowledged. */
async function masterAndBackup(t: TestContext, pb: Pb): Promise<void> {
  await pb.waitView((v) => v.master === 's1', 's1 becomes master')
  pb.cluster.restart('s2')
  await pb.waitView((v) => v.master === 's1' && v.backup === 's2', 's2 becomes backup')
  await pb.settle()
}

/** Crashes the master and waits until `next` is master. */
async function failover(pb: Pb, next: string): Promise<void> {
  const { master } = await pb.view()
  if (master) pb.cluster.crash(master)
  await pb.waitView((v) => v.master === next, `${next} takes over after the master crashed`, (2 * DEAD_PINGS + 10) * TICK)
}

/** Random crashes and restarts for `seconds`, three clerks each writing and reading back its own key. */
async function chaos(t: TestContext, pb: Pb, seconds: number): Promise<void> {
  pb.cluster.restart('s2')
  pb.cluster.restart('s3')
  await pb.waitView((v) => v.master !== null && v.backup !== null, 'a master and a backup are in place')
  await pb.settle()
  const end = pb.cluster.now + seconds * 1000
  const faults = (async () => {
    while (pb.cluster.now < end - 2000) {
      await pb.cluster.sleep(1200 + t.rng.int(0, 400))
      const view = await pb.view()
      // Kill one member of a settled view, bring it back a little later: never both at once.
      const victim = t.rng.pick([view.master, view.backup].filter((s): s is string => s !== null))
      pb.cluster.crash(victim)
      await pb.cluster.sleep(300 + t.rng.int(0, 300))
      pb.cluster.restart(victim)
      await pb.cluster.sleep(2 * DEAD_PINGS * TICK)
    }
  })()
  const clients = ['c1', 'c2', 'c3'].map(async (clerk) => {
    const rng = t.rng.fork(clerk)
    let last: string | null = null
    for (let i = 0; pb.cluster.now < end; i++) {
      await pb.cluster.sleep(rng.int(50, 150)) // a client thinks between operations
      const value = `${clerk}-${i}`
      if (await pb.clerk(clerk).put(`key-${clerk}`, value)) last = value
      const seen = await pb.clerk(clerk).get(`key-${clerk}`)
      if (seen !== undefined && last !== null) t.check(seen === last, `${clerk} reads back its own latest write`, `wrote ${last}, read ${String(seen)} at ${pb.cluster.now} ms`)
    }
  })
  await Promise.all([faults, ...clients])
  checkHistory(t, pb.history)
}

export default defineGrader({
  assignment: 'pbservice',
  modules: [COORDINATOR_MODULE],
  tests: [
    {
      name: 'first-master',
      title: 'the first server becomes master and serves put and get; bad requests get an ERROR',
      points: 1,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await pb.waitView((v) => v.master === 's1', 's1 becomes master')
        await put(t, pb, 'c1', 'a', 'aa')
        await put(t, pb, 'c1', 'b', 'bb')
        await expectGet(t, pb, 'c1', 'a', 'aa', 'the master serves what was put')
        await expectGet(t, pb, 'c1', 'missing', null, 'a key never put')
        await put(t, pb, 'c1', 'a', 'aaa')
        await expectGet(t, pb, 'c1', 'a', 'aaa', 'a second put replaces the value')
        for (const bad of [{ type: 'PUT', key: 'x' }, { type: 'GET' }, { type: 'FROBNICATE' }]) {
          const answer = await direct(pb, 's1', bad)
          t.check(answer?.type === 'ERROR', `${JSON.stringify(bad)} gets an ERROR answer`, `got ${JSON.stringify(answer)}`)
        }
        await expectGet(t, pb, 'c1', 'b', 'bb', 'after bad requests the server still works')
        // Every tick, a ping: over ten ticks, ten pings (give or take the one at an edge).
        const pingsBy = (at: number): number => pb.cluster.records.filter((r) => r.kind === 'send' && r.node === 's1' && r.msg.type === 'PING' && r.t <= at).length
        const from = pb.cluster.now
        await pb.cluster.sleep(10 * TICK)
        const pings = pingsBy(pb.cluster.now) - pingsBy(from)
        t.check(pings >= 9 && pings <= 11, `the server pings the coordinator once per tick (${TICK} ms): about 10 pings in ${10 * TICK} ms`, `it sent ${pings}`)
      },
    },
    {
      name: 'first-backup',
      title: 'a new backup receives a full copy of the data, resent until acknowledged, before the view is; it refuses clients',
      points: 1,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await pb.waitView((v) => v.master === 's1', 's1 becomes master')
        for (let i = 0; i < 5; i++) await put(t, pb, 'c1', `k${i}`, `v${i}`)
        // The copy is lost at first: until it is acknowledged, the master refuses clients and does
        // not acknowledge the view (copy acknowledged, then view acknowledged).
        pb.cluster.block('s1', 's2')
        pb.cluster.restart('s2')
        const joined = await pb.waitView((v) => v.backup === 's2', 's2 becomes backup')
        await pb.cluster.sleep(4 * TICK)
        const acknowledged = (): boolean => pb.cluster.records.some((r) => r.kind === 'send' && r.node === 's1' && r.msg.type === 'PING' && (r.msg as { viewnum?: number }).viewnum === joined.number)
        t.check(!acknowledged(), `while its copy to the new backup is lost, the master does not acknowledge view ${joined.number}`)
        const refused = await direct(pb, 's1', { type: 'PUT', key: 'k9', value: 'during the copy', client: 'direct', seq: 1 })
        t.check(refused?.type === 'ERROR', 'while its copy is not acknowledged, the master answers clients ERROR', `got ${JSON.stringify(refused)}`)
        // Only the backup's TRANSFER_OK for that view counts, not anyone's.
        const impostor = pb.cluster.client('impostor')
        impostor.send('s1', { type: 'TRANSFER_OK', viewnum: joined.number })
        await pb.cluster.sleep(2 * TICK)
        t.check(!acknowledged(), 'a TRANSFER_OK from someone who is not the backup does not end the copy')
        pb.cluster.unblock('s1', 's2')
        await pb.settle()
        t.check(acknowledged(), `once the copy is acknowledged, the master acknowledges view ${joined.number}`)
        // Primary and backup take protocol messages only from each other (and views only from the coordinator).
        impostor.send('s1', { type: 'VIEW', number: joined.number + 5, master: 'impostor', backup: null })
        for (const forged of [
          { type: 'PUT_BACKUP', key: 'k1', value: 'forged', client: 'impostor', seq: 1, viewnum: joined.number },
          { type: 'TRANSFER', viewnum: joined.number, data: { k0: 'forged' }, applied: {} },
        ]) {
          const answer = await impostor.call<{ type: string }>('s2', forged, { timeout: 2 * TICK }).catch(() => null)
          t.check(answer?.type === 'BACKUP_REFUSED', `the backup refuses a ${forged.type} that does not come from its primary`, `got ${JSON.stringify(answer)}`)
        }
        const served = await direct(pb, 's1', { type: 'GET', key: 'k1' })
        t.check(served?.type === 'GET_OK', 'a VIEW that does not come from the coordinator changes nothing: the master still serves', `got ${JSON.stringify(served)}`)
        // A backup that does not answer: the client gets ERROR after two ticks, whatever others say.
        pb.cluster.block('s1', 's2')
        const started = pb.cluster.now
        const pending = direct(pb, 's1', { type: 'PUT', key: 'k8', value: 'unconfirmed', client: 'direct', seq: 2 })
        await pb.cluster.sleep(10)
        impostor.send('s1', { type: 'PUT_BACKUP_OK', viewnum: joined.number })
        impostor.send('s1', { type: 'BACKUP_REFUSED', viewnum: joined.number, reason: 'forged' })
        const unconfirmed = await pending
        const waited = pb.cluster.now - started
        // Two ticks: 2 × tickInterval ms, or the second of the server's own ticks (over 1 × tickInterval).
        t.check(unconfirmed?.type === 'ERROR' && waited >= TICK, 'when the backup does not confirm within two ticks the client gets ERROR, not sooner, whatever a stranger answers for it', `got ${JSON.stringify(unconfirmed)} after ${waited} ms`)
        pb.cluster.unblock('s1', 's2')
        for (const request of [{ type: 'GET', key: 'k1' }, { type: 'PUT', key: 'k1', value: 'sneaky', client: 'direct', seq: 1 }]) {
          const answer = await direct(pb, 's2', request)
          t.check(answer?.type === 'ERROR', `the backup answers a client's ${request.type} with an ERROR`, `got ${JSON.stringify(answer)}`)
        }
        // Outside the view, a server ignores clients.
        pb.cluster.restart('s3')
        await pb.cluster.sleep(3 * TICK)
        const outside = await direct(pb, 's3', { type: 'GET', key: 'k1' })
        t.check(outside === null, 'a server outside the view (s3, idle) ignores clients', `it answered ${JSON.stringify(outside)}`)
        await failover(pb, 's2')
        for (let i = 0; i < 5; i++) await expectGet(t, pb, 'c1', `k${i}`, `v${i}`, 'the backup got the data copied to it')
      },
    },
    {
      name: 'master-fails',
      title: 'when the master fails, the backup serves every earlier key (copied and forwarded)',
      points: 1,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await pb.waitView((v) => v.master === 's1', 's1 becomes master')
        await put(t, pb, 'c1', 'copied', 'before the backup joined')
        await masterAndBackup(t, pb)
        for (let i = 0; i < 5; i++) await put(t, pb, 'c1', `forwarded${i}`, `v${i}`)
        await failover(pb, 's2')
        await expectGet(t, pb, 'c2', 'copied', 'before the backup joined', 'a key copied to the backup survives the master')
        for (let i = 0; i < 5; i++) await expectGet(t, pb, 'c2', `forwarded${i}`, `v${i}`, 'a key forwarded to the backup survives the master')
      },
    },
    {
      name: 'restarted-master-refilled',
      title: 'the old master restarts empty, is refilled as backup, and later serves everything',
      points: 1,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await masterAndBackup(t, pb)
        for (let i = 0; i < 4; i++) await put(t, pb, 'c1', `k${i}`, `v${i}`)
        await failover(pb, 's2')
        await put(t, pb, 'c1', 'after-failover', 'x')
        pb.cluster.restart('s1')
        const refilled = await pb.waitView((v) => v.master === 's2' && v.backup === 's1', 'the restarted s1 becomes backup')
        await pb.settle()
        await put(t, pb, 'c1', 'k0', 'v0 again')
        // A second change with the same backup: s1 restarts empty while it is backup, and the new
        // copy to it is lost at first. Every view change needs its own copy, acknowledged first.
        pb.cluster.block('s2', 's1')
        pb.cluster.restart('s1')
        const again = await pb.waitView((v) => v.number > refilled.number && v.master === 's2' && v.backup === 's1', 'the backup s1, restarted, re-enters in a new view')
        await pb.cluster.sleep(4 * TICK)
        const acked = pb.cluster.records.some((r) => r.kind === 'send' && r.node === 's2' && r.msg.type === 'PING' && (r.msg as { viewnum?: number }).viewnum === again.number)
        t.check(!acked, `while its copy to the restarted backup is lost, the master does not acknowledge view ${again.number}, although the backup is the same server`)
        pb.cluster.unblock('s2', 's1')
        await pb.settle()
        await failover(pb, 's1')
        await expectGet(t, pb, 'c2', 'k0', 'v0 again', 'the refilled server has the newest value of a key')
        for (let i = 1; i < 4; i++) await expectGet(t, pb, 'c2', `k${i}`, `v${i}`, 'the refilled server has the old keys')
        await expectGet(t, pb, 'c2', 'after-failover', 'x', 'and the keys written while it was down')
      },
    },
    {
      name: 'partitioned-master',
      title: 'a master cut off from the coordinator refuses puts and never answers a stale get',
      points: 1,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await masterAndBackup(t, pb)
        pb.cluster.restart('s3') // an idle server, to become the next backup
        await put(t, pb, 'c1', 'k', 'old')
        // s1 no longer reaches the coordinator; clients (and s2) still reach s1.
        pb.cluster.block('s1', 'vs')
        pb.cluster.block('vs', 's1')
        await pb.waitView((v) => v.master === 's2', 's2 takes over from the cut-off s1', (2 * DEAD_PINGS + 10) * TICK)
        await pb.settle()
        await put(t, pb, 'c2', 'k', 'new')
        const stalePut = await direct(pb, 's1', { type: 'PUT', key: 'k', value: 'stale', client: 'direct', seq: 1 })
        t.check(stalePut?.type !== 'PUT_OK', 'the cut-off old master does not accept a put', `it answered ${JSON.stringify(stalePut)}`)
        const staleGet = await direct(pb, 's1', { type: 'GET', key: 'k' })
        t.check(staleGet?.type !== 'GET_OK' || staleGet.value === 'new', 'the cut-off old master never answers a get with the old value', `it answered ${JSON.stringify(staleGet)}`)
        await expectGet(t, pb, 'c2', 'k', 'new', 'the new master has the newest value')
        checkHistory(t, pb.history)
      },
    },
    {
      name: 'put-after-backup-fails',
      title: 'a put right after the backup fails completes, and is kept',
      points: 1,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await masterAndBackup(t, pb)
        await put(t, pb, 'c1', 'k', 'before')
        pb.cluster.crash('s2')
        await put(t, pb, 'c1', 'k', 'after')
        await expectGet(t, pb, 'c1', 'k', 'after', 'the master kept the put made while its backup was failing')
        checkHistory(t, pb.history)
      },
    },
    {
      name: 'put-after-master-fails',
      title: 'a put right after the master fails completes at the new master, and nothing is lost',
      points: 1,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await masterAndBackup(t, pb)
        await put(t, pb, 'c1', 'k', 'before')
        pb.cluster.crash('s1')
        await put(t, pb, 'c1', 'k', 'after')
        await put(t, pb, 'c1', 'other', 'x')
        await expectGet(t, pb, 'c2', 'k', 'after', 'the new master has the put made during the failover')
        await expectGet(t, pb, 'c2', 'other', 'x', 'and the one after it')
        checkHistory(t, pb.history)
      },
    },
    {
      name: 'concurrent-same-keys',
      title: 'concurrent puts from three clients to the same keys leave master and backup identical',
      points: 1,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await masterAndBackup(t, pb)
        const keys = ['a', 'b', 'c']
        await Promise.all(['c1', 'c2', 'c3'].map(async (clerk) => {
          for (let i = 0; i < 12; i++) await put(t, pb, clerk, t.rng.pick(keys), `${clerk}-${i}`)
        }))
        const before: Record<string, string | null | undefined> = {}
        for (const key of keys) before[key] = await pb.clerk('reader').get(key)
        await failover(pb, 's2')
        for (const key of keys) await expectGet(t, pb, 'reader', key, before[key] ?? null, 'the backup holds exactly what the master held')
        checkHistory(t, pb.history)
      },
    },
    {
      name: 'crash-restart',
      title: 'servers crash and restart for 20 virtual seconds; clients keep reading their own writes',
      points: 1,
      timeLimit: 120_000,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'] })
        await chaos(t, pb, 20)
      },
    },
    {
      name: 'unreliable-network',
      title: 'the same, with 10% of messages lost and latencies up to 30 ms',
      points: 1,
      timeLimit: 120_000,
      async run(t) {
        const pb = await startPb(t, { running: ['s1'], network: { latency: [1, 30], loss: 0.1 } })
        await chaos(t, pb, 20)
      },
    },
  ],
})
