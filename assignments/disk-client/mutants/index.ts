// Known-bad variants of the reference, each a change a student could make, and the grader tests
// its bug must fail (test/graders/disk-client.test.ts).
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = []

export default mutants
