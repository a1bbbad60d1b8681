// mkcluster and joins, silent members leaving the list and coming back, and the writes a member
// missed while it was away (spec rules 9, 11).
import { TIMING } from '../../assignments/http-store/messages.ts'
import type { GraderTest } from '../harness/defineGrader.ts'
import { authorized, addressOf, server, show, untilMembers, valuesOf } from './store.ts'

/** How long a dead member may stay listed (spec: gone within deadAfterMs + one ping, and some slack). */
const GONE_WITHIN = TIMING.deadAfterMs + TIMING.pingMs + 500
/** How long a member that came back may stay unlisted. */
const BACK_WITHIN = 2 * TIMING.pingMs + 500

export const join: GraderTest = {
  name: 'join',
  title: "'mkcluster ADDRESS' on a server's console joins the cluster of that server; the newcomer is announced to every member; 'members' lists them",
  points: 2,
  async run(t) {
    const { cluster, http, token } = await authorized(t, 3, { join: false })
    const alone = await http.members('s1', token)
    t.equal(alone, [addressOf(1)], 'a server that joined nobody lists only itself')
    cluster.input('s2', `mkcluster ${addressOf(1)}`)
    const two = await untilMembers(http, cluster, token, [1, 2], [1, 2], 2000)
    t.check(Object.values(two).every((m) => m?.length === 2), "after s2's mkcluster 10.0.0.1:8080, s1 and s2 list each other", JSON.stringify(two))
    cluster.input('s3', `mkcluster ${addressOf(2)}`)
    const three = await untilMembers(http, cluster, token, [1, 2, 3], [1, 2, 3], 2000)
    t.check(Object.values(three).every((m) => m?.length === 3), 's3 joins through s2, and s1 learns of it too (the join is announced to every member)', JSON.stringify(three))
    const before = cluster.node('s1').console.length
    cluster.input('s1', 'members')
    cluster.input('s1', 'frobnicate')
    await cluster.sleep(100)
    const said = cluster.node('s1').console.slice(before)
    t.check(said.length === 2 && [1, 2, 3].every((i) => said[0]?.includes(addressOf(i))), "'members' on s1's console prints one line naming the three servers", said.join(' | ') || 'nothing printed')
    t.check(/unknown/i.test(said[1] ?? ''), "any other line prints one line saying it is unknown", said.join(' | ') || 'nothing printed')
    await http.set('s3', token, 'users', 'after-join', 'yes')
    await cluster.sleep(1000)
    cluster.isolate('s1')
    const got = valuesOf(await http.get('s1', token, 'users', ['after-join']))
    t.equal(got.values, { 'after-join': 'yes' }, 'a set at the newcomer reaches s1 (asked while cut off)')
  },
}

export const deadNode: GraderTest = {
  name: 'dead-node',
  title: `A member silent for ${TIMING.deadAfterMs / 1000} s leaves every member list; it is listed again when it answers again`,
  points: 2,
  async run(t) {
    const { cluster, http, token } = await authorized(t, 3)
    const all = await untilMembers(http, cluster, token, [1, 2, 3], [1, 2, 3], 5000)
    t.check(Object.values(all).every((m) => m?.length === 3), 'the three servers list each other', JSON.stringify(all))
    cluster.crash('s3')
    const crashed = cluster.now
    // Its last answer may have come a ping before it died: 1 s after, it must still be listed.
    await cluster.sleep(TIMING.deadAfterMs - 1000)
    const early = await http.members('s1', token)
    t.check(early?.includes(addressOf(3)) === true, `s3 is still listed ${(TIMING.deadAfterMs - 1000) / 1000} s after it died (not dropped at the first missed ping)`, JSON.stringify(early))
    const gone = await untilMembers(http, cluster, token, [1, 2], [1, 2], GONE_WITHIN - (cluster.now - crashed))
    t.check(Object.values(gone).every((m) => m?.length === 2), `within ${GONE_WITHIN / 1000} s of its death s1 and s2 no longer list s3`, JSON.stringify(gone))
    cluster.restart('s3')
    const back = await untilMembers(http, cluster, token, [1, 2, 3], [1, 2, 3], BACK_WITHIN)
    t.check(Object.values(back).every((m) => m?.length === 3), `within ${BACK_WITHIN / 1000} s of its restart every server lists s3 again`, JSON.stringify(back))
  },
}

export const missedWrites: GraderTest = {
  name: 'missed-writes',
  title: 'A member that comes back gets the writes it missed while it was away',
  points: 1,
  async run(t) {
    const { cluster, http, token } = await authorized(t, 3)
    await untilMembers(http, cluster, token, [1, 2, 3], [1, 2, 3], 5000)
    await http.set('s1', token, 'users', 'mw-k', 'old')
    await cluster.sleep(500)
    cluster.crash('s3')
    const answer = await http.set('s1', token, 'users', 'mw-k', 'new')
    t.check(answer?.status === 201, 'a set while s3 is down is acknowledged', show(answer))
    await cluster.sleep(TIMING.deadAfterMs + 1000)
    cluster.restart('s3')
    await cluster.sleep(BACK_WITHIN + 1500)
    cluster.isolate(server(3))
    const held = valuesOf(await http.get('s3', token, 'users', ['mw-k']))
    t.equal(held.values, { 'mw-k': 'new' }, 's3, back, holds the value set while it was down (asked while cut off), not the old one')
  },
}
