// What the grading sandbox costs: `npm run grade <id>` wall time with the sandbox (the default)
// against `--trusted` (the same tests in the grading process, no sandbox), alternating in the
// same run so both see the same machine. The sandbox adds a process start, compiling the sandbox
// bundle and the permission model's checks; one worker per node incarnation is paid by both.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { REPO_ROOT } from '../runtime/index.ts'
import { kleur } from '../lab/format.ts'
import { saveResult } from './report.ts'

const RUNS: Array<{ id: string; args: string[] }> = [
  { id: 'leader-kv', args: [] },
  { id: 'viewservice', args: [] },
  { id: 'pbservice', args: [] },
  { id: 'dynamo', args: [] },
  { id: 'torrent', args: ['--scale', 'reduced'] },
]
const REPEAT = 2

function gradeMs(id: string, args: string[]): number {
  const started = performance.now()
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'lab', 'cli', 'grade.ts'), id, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } })
  if (run.status !== 0) throw new Error(`npm run grade ${id} ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`)
  return performance.now() - started
}

export async function runSandboxSuite(): Promise<void> {
  console.log(kleur.bold('grading with the sandbox vs in-process (--trusted), wall seconds, best of 2'))
  const rows = []
  for (const { id, args } of RUNS) {
    const trusted: number[] = []
    const sandboxed: number[] = []
    for (let i = 0; i < REPEAT; i++) {
      trusted.push(gradeMs(id, [...args, '--trusted']))
      sandboxed.push(gradeMs(id, args))
    }
    const row = { assignment: id, args, trustedMs: Math.min(...trusted), sandboxMs: Math.min(...sandboxed) }
    rows.push({ ...row, ratio: row.sandboxMs / row.trustedMs })
    console.log(`  ${id.padEnd(12)} ${(row.trustedMs / 1000).toFixed(1).padStart(5)} s → ${(row.sandboxMs / 1000).toFixed(1).padStart(5)} s  ×${(row.sandboxMs / row.trustedMs).toFixed(2)}  (+${((row.sandboxMs - row.trustedMs) / 1000).toFixed(1)} s)`)
  }
  saveResult('sandbox-cost', { repeat: REPEAT, rows })
}
