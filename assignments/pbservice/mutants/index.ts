// Known-bad servers, each one guard or action off from the reference, and the tests each must fail.
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = [
  { name: 'acks-without-copy', bug: 'the master acknowledges a view with a new backup before copying its data there', loses: ['first-backup'] },
  { name: 'backup-serves-gets', bug: "the backup answers clients' GETs from its copy instead of refusing", loses: ['first-backup'] },
  { name: 'primary-skips-backup', bug: 'the master answers puts by itself, never forwarding them to the backup', loses: ['master-fails', 'partitioned-master'] },
  { name: 'gets-not-forwarded', bug: 'the master answers GETs without checking with its backup that it is still the master', loses: ['partitioned-master'] },
  { name: 'backup-trusts-anyone', bug: 'forwarded puts are taken from any server, whatever view they come with', loses: ['partitioned-master'] },
  { name: 'crashes-on-bad-input', bug: 'a malformed request crashes the server instead of getting an ERROR', loses: ['first-master'] },
  { name: 'backup-trusts-strangers', bug: 'the backup takes forwards and copies from anyone who names its view, not only from its primary', loses: ['first-backup'] },
  { name: 'no-backup-timeout', bug: 'a primary whose backup does not answer waits four ticks, not two, before it answers ERROR', loses: ['first-backup'] },
  { name: 'copies-only-new-backup', bug: 'the master copies only to a backup that is new to it; a backup that restarted and re-entered gets no copy', loses: ['restarted-master-refilled'] },
]

export default mutants
