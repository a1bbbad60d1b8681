// The course's coordinator test (seed 000 §3, a port of MIT 6.824 2015's viewservice test) as
// twelve steps that build on each other, with the exact view expected after each.
import type { TestContext } from '../harness/TestContext.ts'
import { DEAD_PINGS, ViewScript } from './ViewScript.ts'

export interface Step {
  name: string
  title: string
  points: number
  run(s: ViewScript): Promise<void>
  /** A scenario of the step's own test on a cluster of its own, not replayed by later tests. */
  also?(t: TestContext): Promise<void>
}

const twice = DEAD_PINGS * 2

export const STEPS: Step[] = [
  {
    name: 'no-server',
    title: 'with no server, there is no master',
    points: 0.5,
    async run(s) {
      const reply = await s.cluster.client('clerk').call<{ type: string; master?: string | null }>('vs', { type: 'MASTER' })
      s.t.equal({ type: reply.type, master: reply.master }, { type: 'MASTER_IS', master: null }, 'no server: MASTER answers none')
      await s.expect('no server', null, null, 0)
    },
  },
  {
    name: 'first-master',
    title: 'the first server to ping becomes master of view 1',
    points: 0.5,
    async run(s) {
      await s.rounds(twice, () => [['s1', 0]], (v) => v.master === 's1')
      await s.expect('first master', 's1', null, 1)
    },
  },
  {
    name: 'first-backup',
    title: 'the next server becomes backup once the master acknowledged view 1, also when it pinged before the acknowledgement',
    points: 0.5,
    async run(s) {
      // DSLabs' "backup pings first": s2's only ping comes before s1's acknowledgement; s2 is still
      // alive and idle when the acknowledgement makes a change possible.
      await s.rounds(1, () => [['s2', 0], ['s1', 1]])
      await s.rounds(2, () => [['s1', 1]], (v) => v.backup === 's2')
      await s.expect('first backup', 's1', 's2', 2)
    },
  },
  {
    name: 'backup-takes-over',
    title: 'when the master stops pinging, the backup takes over',
    points: 1,
    async run(s) {
      await s.ping('s1', 2)
      await s.ping('s2', 2)
      const took = await s.rounds(twice, () => [['s2', 2]], (v) => v.master === 's2' && v.backup === null)
      await s.expect('backup takes over', 's2', null, 3)
      s.t.check(took === DEAD_PINGS, `the silent master is declared dead at the ${DEAD_PINGS}th tick after its last ping (deadPings = ${DEAD_PINGS}), not sooner or later`, `the backup took over after ${took} ticks`)
    },
  },
  {
    name: 'restarted-server-becomes-backup',
    title: 'a server that comes back becomes backup: pinging 0 (restarted), or its old view number (DSLabs)',
    points: 0.5,
    async run(s) {
      await s.ping('s2', 3)
      await s.rounds(twice, () => [['s1', 0], ['s2', 3]], (v) => v.master === 's2' && v.backup === 's1')
      await s.expect('restarted server becomes backup', 's2', 's1', 4)
    },
    async also(t) {
      await oldMasterReturns(await ViewScript.start(t))
    },
  },
  {
    name: 'spare-joins-on-failover',
    title: 'when the master dies, the backup takes over and a spare becomes backup in the same change',
    points: 1,
    async run(s) {
      await s.ping('s2', 4)
      await s.rounds(twice, () => [['s3', 0], ['s1', 4]], (v) => v.master === 's1' && v.backup === 's3')
      await s.expect('spare joins on failover', 's1', 's3', 5)
    },
  },
  {
    name: 'master-reboots',
    title: 'a master that reboots is demoted at once and comes back as backup in the same change',
    points: 1,
    async run(s) {
      // The course's test and MIT's accept the demotion any time within 2×deadPings ticks.
      await s.ping('s1', 5)
      await s.rounds(twice, () => [['s1', 0], ['s3', 5]], (v) => v.master !== 's1')
      await s.expect('master reboots', 's3', 's1', 6)
    },
  },
  {
    name: 'backup-silent',
    title: 'a silent backup is dropped; a master pinging an older view number has not restarted',
    points: 1,
    async run(s) {
      await s.rounds(twice, () => [['s3', 6]])
      await s.expect('backup silent for 2×deadPings', 's3', null, 7)
    },
  },
  {
    name: 'new-backup',
    title: 'a server arriving after the view is acknowledged becomes backup',
    points: 0.5,
    async run(s) {
      await s.rounds(twice, () => [['s3', 7], ['s1', 0]], (v) => v.backup === 's1')
      await s.expect('new backup', 's3', 's1', 8)
    },
  },
  {
    name: 'unacked-view-stays',
    title: 'the view does not change until the master acknowledged it: the backup is not promoted',
    points: 1,
    async run(s) {
      await s.rounds(twice, () => [['s1', 8]])
      await s.expect('master stops before acknowledging view 8', 's3', 's1', 8)
    },
  },
  {
    name: 'late-ack',
    title: 'a master that acknowledges late is alive: nothing changes',
    points: 0.5,
    async run(s) {
      await s.rounds(2, () => [['s3', 8], ['s1', 8]])
      await s.expect('master acknowledges late', 's3', 's1', 8)
    },
  },
  {
    name: 'backup-reboots',
    title: 'a backup that reboots starts a new view',
    points: 0.5,
    async run(s) {
      await s.rounds(twice, () => [['s3', 8], ['s1', 0]], (v) => v.number === 9)
      await s.expect('backup reboots', 's3', 's1', 9)
    },
  },
  {
    name: 'uninitialized-never-master',
    title: 'when master and backup die, a server that only pinged 0 is never made master',
    points: 1,
    async run(s) {
      // All three ping, so that master and backup then fall silent in the same round.
      await s.rounds(twice, () => [['s3', 9], ['s1', 9], ['s2', 0]])
      await s.rounds(twice, () => [['s2', 0]])
      const view = await s.view()
      s.t.check(view.master !== 's2', 'an uninitialized server is never promoted to master', `view ${JSON.stringify(view)}`)
      await s.expect('master and backup dead, only s2 pinging 0', 's3', 's1', 9)
    },
  },
]

/**
 * DSLabs' "old primary becomes backup", on a cluster of its own: a master declared dead comes back
 * pinging the view number it last knew (it did not restart). It is idle, so it becomes backup.
 */
async function oldMasterReturns(s: ViewScript): Promise<void> {
  await s.rounds(2, () => [['s1', 0]], (v) => v.master === 's1')
  await s.rounds(twice, () => [['s1', 1], ['s2', 0]], (v) => v.backup === 's2')
  await s.rounds(1, () => [['s1', 2], ['s2', 2]])
  await s.rounds(twice, () => [['s2', 2]], (v) => v.master === 's2')
  await s.expect('old master returns: s1 silent, s2 takes over', 's2', null, 3)
  await s.rounds(twice, () => [['s2', 3], ['s1', 2]], (v) => v.backup === 's1')
  await s.expect('old master returns pinging its old view 2: it becomes backup', 's2', 's1', 4)
}
