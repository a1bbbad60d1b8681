// Known-bad variants of the reference, each a change a student could make, and the grader tests
// its bug must fail (test/graders/disk-client.test.ts).
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = [
  { name: 'no-operation-polling', bug: 'a 202 (an operation started) is taken for done', loses: ['mv-cp', 'rm'] },
  { name: 'ignores-429', bug: '429 and 5xx are final answers: no retry', loses: ['retries'] },
  { name: 'retries-forever', bug: 'no bound on retries: a dead service is tried forever', loses: ['giving-up'] },
  { name: 'ignores-retry-after', bug: "Retry-After is ignored: retries come sooner than the service asked", loses: ['retries'] },
  { name: 'no-paging', bug: 'ls shows only the first page of a folder', loses: ['ls'] },
  { name: 'prints-token-in-error', bug: 'a refused token is printed in the error line', loses: ['token-and-errors'] },
  { name: 'overwrites-without-asking', bug: 'copy, move and upload always send overwrite=true', loses: ['mv-cp', 'upload'] },
  { name: 'buffers-whole-file', bug: 'a download is held in memory and written at the end', loses: ['large-files'] },
  { name: 'leaves-partial-download', bug: 'a broken or corrupt download leaves its partial file behind', loses: ['broken-transfers'] },
]

export default mutants
