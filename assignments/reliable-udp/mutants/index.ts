// Known-bad variants of the reference, each a change a student could make, and the grader tests
// its bug must fail (test/graders/reliable-udp.test.ts).
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = [
  { name: 'little-endian-id', bug: 'the packet id is written little-endian, not in network byte order', loses: ['wire-format'] },
  { name: 'ack-echoes-payload', bug: 'the ACK echoes the whole DATA datagram with its first byte set to 1', loses: ['wire-format'] },
  { name: 'no-retransmit', bug: 'a packet is sent once; sendto only waits for its ack or the timeout', loses: ['loss', 'dead-peer-timeout'] },
  { name: 'delivers-duplicates', bug: 'no memory of packets received: a retransmitted or duplicated DATA is delivered again', loses: ['loss', 'duplicates', 'reordering'] },
  { name: 'dedup-by-id-only', bug: 'duplicates are recognised by the packet id alone, whoever sent it', loses: ['senders-told-apart'] },
  { name: 'acks-first-copy-only', bug: 'a DATA already received is dropped without an ACK (a lost first ACK is never repaired)', loses: ['loss'] },
  { name: 'ack-from-anyone', bug: 'an ACK with the right id completes sendto whoever sent it', loses: ['ack-from-the-peer'] },
  { name: 'never-gives-up', bug: 'sendto retransmits forever and never reports timeout', loses: ['dead-peer-timeout'] },
  { name: 'gives-up-early', bug: 'sendto gives up after one second instead of five', loses: ['dead-peer-timeout'] },
  { name: 'crashes-on-short-datagram', bug: 'the header is read before the length is checked: a short datagram throws', loses: ['malformed-ignored'] },
  { name: 'drops-unrequested', bug: 'a message that arrives while the application is not in recvfrom is acknowledged and lost', loses: ['buffered-until-asked'] },
  { name: 'no-size-check', bug: 'a payload too big for one UDP datagram is sent anyway instead of refused', loses: ['large-payload'] },
]

export default mutants
