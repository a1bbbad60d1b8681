// Known-bad coordinators, each one rule off from the reference, and the first test each must
// fail. The course's test is one script, so later steps that build on a broken one fail too.
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = [
  { name: 'changes-before-ack', bug: 'the view changes before the master acknowledged the current one', loses: ['unacked-view-stays'] },
  { name: 'promotes-uninitialized', bug: 'with master and backup gone, an idle server (no data) becomes master', loses: ['uninitialized-never-master'] },
  { name: 'restarted-master-alive', bug: 'a master that pings 0 after a reboot is still taken for alive', loses: ['master-reboots'] },
  { name: 'two-step-failover', bug: 'when the master dies the backup is promoted alone; a spare joins only in a later view', loses: ['spare-joins-on-failover'] },
  { name: 'old-ping-is-restart', bug: 'a member pinging an older view number is taken to have restarted', loses: ['restarted-server-becomes-backup', 'backup-silent'] },
  { name: 'ignores-bad-input', bug: 'malformed and unknown requests get no answer', loses: ['bad-input'] },
  { name: 'dead-a-tick-late', bug: 'a silent server counts as alive for deadPings + 1 ticks instead of deadPings', loses: ['backup-takes-over'] },
  { name: 'spare-must-ping-zero', bug: 'only a server pinging 0 can become backup; an old master pinging its last view number is never chosen', loses: ['restarted-server-becomes-backup'] },
  { name: 'ping-answers-nothing-new', bug: 'a PING is answered with the empty view (0, none, none); only GET_VIEW is right', loses: ['first-master'] },
]

export default mutants
