// The disk-client grader (seed 000 §2): the seed's ls, rm, mv, cp with their errors, tokens and
// retries (6 points), and the extra credit, upload and download (4 points), against the
// Yandex.Disk emulator as a node. spec.md maps each rule to its test.
import { defineGrader } from '../harness/defineGrader.ts'
import { givingUp, ls, mvCp, retries, rm, tokensAndErrors } from './base.ts'
import { EMULATOR_MODULE } from './session.ts'
import { brokenTransfers, download, largeFiles, upload } from './transfers.ts'

export default defineGrader({
  assignment: 'disk-client',
  modules: [EMULATOR_MODULE],
  tests: [ls, mvCp, rm, tokensAndErrors, retries, givingUp, upload, download, brokenTransfers, largeFiles],
})
