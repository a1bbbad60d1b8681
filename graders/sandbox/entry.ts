// The grading sandbox's main thread: runs a grader's tests on a solution, under Node's permission
// model, in a scrubbed environment, with no compiler (the parent compiled everything). It reports
// only through authenticated frames on fd 3 (channel.ts); the parent alone prints the score,
// writes results and picks the exit code. Student code runs in this process's worker threads.
import { readFileSync, writeSync } from 'node:fs'
import { findAssignment } from '../../assignments/registry.ts'
import { messageOf } from '../../runtime/index.ts'
import { useCompiledModules, underPermissionModel, cleanText } from '../../runtime/sandbox.ts'
import { runGrader, selectTests, type TestResult } from '../harness/runGrader.ts'
import { preflightSolution, solutionOf } from '../harness/solution.ts'
import { ATOMIC_FRAME, encodeFrame } from './channel.ts'
import { MAX_REASON, type SandboxJob, type SandboxMessage, type SandboxResult } from './protocol.ts'

const CHANNEL_FD = 3

// The job, key included, is read before any worker exists; the key then lives only in this closure.
const job = JSON.parse(readFileSync(0, 'utf8')) as SandboxJob
const say = channel(Buffer.from(job.key, 'hex'))
job.key = ''

function channel(key: Buffer): (message: SandboxMessage) => void {
  let seq = 0
  return (message) => {
    let frame = encodeFrame(key, seq, message)
    // A frame that fits one write to a pipe cannot be split by another writer's bytes.
    if (frame.length > ATOMIC_FRAME && message.type === 'test-end' && message.result.reason) {
      const reason = message.result.reason
      const over = frame.length - ATOMIC_FRAME
      message.result.reason = `${reason.slice(0, Math.max(0, reason.length - Math.ceil(over * 0.75) - 40))}… (cut)`
      frame = encodeFrame(key, seq, message)
    }
    seq++
    writeSync(CHANNEL_FD, frame)
  }
}

function reported(result: TestResult): SandboxResult {
  const out: SandboxResult = { name: result.name, passed: result.passed, wallMs: result.wallMs, virtualMs: result.virtualMs }
  if (result.reason !== undefined) out.reason = cleanText(result.reason, MAX_REASON)
  if (result.kind !== undefined) out.kind = result.kind
  if (result.clusters !== undefined) out.clusters = result.clusters
  return out
}

async function main(): Promise<void> {
  if (!underPermissionModel()) throw new Error('the sandbox must run under the permission model (node --experimental-permission)')
  useCompiledModules(job.manifest)
  const assignment = findAssignment(job.assignment)
  const grader = await assignment.grader()
  const tests = selectTests(grader, job.tests)
  if (job.preflight) {
    try {
      await preflightSolution(job.solution.files)
    } catch (err) {
      say({ type: 'unusable', reason: cleanText(messageOf(err), MAX_REASON * 4) })
      return
    }
  }
  say({ type: 'ready' })
  await runGrader(grader, {
    assignment: assignment.id,
    solution: solutionOf(job.solution),
    seed: job.seed,
    scale: job.scale,
    only: tests.map((t) => t.name),
    traceFile: job.traceFile,
    traceNamed: job.traceNamed,
    limits: job.limits,
    onTestStart: (test) => say({ type: 'test-start', name: test.name }),
    onTestProgress: (test, text) => say({ type: 'progress', name: test.name, text: cleanText(text, 200) }),
    onTestEnd: (result) => say({ type: 'test-end', result: reported(result) }),
  })
  say({ type: 'done' })
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    // The grader itself failed (not a test): the parent reports the missing verdicts.
    process.stderr.write(`the grading sandbox failed: ${messageOf(err)}\n`)
    process.exit(70)
  },
)
