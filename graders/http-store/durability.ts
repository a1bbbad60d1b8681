// Crash and restart with torn writes (spec rules 12–13): every write a server acknowledged is
// there after a crash, a torn last record is ignored, and the log keeps working after it.
import type { GraderTest } from '../harness/defineGrader.ts'
import { Http, show, storeCluster, valuesOf } from './store.ts'

const ROUNDS = 8
const PER_ROUND = 5

export const durability: GraderTest = {
  name: 'durability',
  title: 'After crashes that tear the last unsynced write, a restarted server has every write it acknowledged and keeps serving',
  points: 3,
  async run(t) {
    const cluster = await storeCluster(t, 1, { tornWrites: { withinMs: 100 } })
    const http = new Http(cluster)
    const acked = new Map<string, unknown>()
    for (let round = 0; round < ROUNDS; round++) {
      t.progress(`round ${round + 1} of ${ROUNDS}`)
      const token = await http.token('s1')
      if (!token) return t.fail(`after restart ${round}, POST /auth gives a token`, cluster.node('s1').console.slice(-3).join(' | '))
      for (let k = 0; k < PER_ROUND; k++) {
        // Some keys are written again: the last acknowledged value must be the one that survives.
        const key = `d-${t.rng.int(0, 11)}`
        const value = { round, k, pad: 'p'.repeat(t.rng.int(10, 6000)) }
        const answer = await http.set('s1', token, 'durable', key, value)
        if (answer?.status === 201) acked.set(key, value)
        else t.fail(`set ${key} in round ${round + 1} is acknowledged`, show(answer))
      }
      if (round % 2 === 0) {
        // A big write in flight (it spans pages, so a tear leaves part of it), then the crash.
        void http.set('s1', token, 'durable', `inflight-${round}`, { pad: 'q'.repeat(t.rng.int(9000, 14000)) }).catch(() => null)
        await cluster.sleep(t.rng.int(3, 5))
      }
      // Odd rounds crash right after an acknowledgement: what was acknowledged must be on disk.
      cluster.crash('s1')
      cluster.restart('s1')
      const again = await http.token('s1')
      if (!again) return t.fail(`the server restarted after crash ${round + 1} answers POST /auth`, cluster.node('s1').console.slice(-3).join(' | '))
      const keys = [...acked.keys()]
      const got = valuesOf(await http.get('s1', again, 'durable', keys))
      const lost = keys.filter((k) => JSON.stringify(got.values[k]) !== JSON.stringify(acked.get(k)))
      t.check(lost.length === 0, `after crash ${round + 1}, every acknowledged write is there with its last acknowledged value`, `lost or stale: ${lost.join(', ')} (status ${got.status})`)
    }
    const token = await http.token('s1')
    const last = await http.set('s1', token, 'durable', 'after-all', 'still')
    t.check(last?.status === 201, 'the server takes writes after all the crashes', show(last))
  },
}
