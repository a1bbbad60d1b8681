// Colour belongs to the terminal, never to the trace: every scenario, run once as on a terminal
// (colours forced on, live board) and once as into a pipe (no colours), writes the same trace
// files byte for byte, with no escape sequence in them. The torrent scenario's closing ✓/✗ lines
// used to carry kleur's codes into their `note` records.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ASSIGNMENTS, isReady, type Assignment } from '../../assignments/registry.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { kleur, plain } from '../../lab/format.ts'
import { runScenario } from '../../lab/scenario/runScenario.ts'

const test = suite('trace colours')
const ESC = '\u001b'
const wasEnabled = kleur.enabled

/** Runs the assignment's scenario with seed 1; returns its trace files (name → text) and what it printed. */
async function run(assignment: Assignment, colours: boolean): Promise<{ files: Map<string, string>; out: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'distlab-colours-'))
  const out: string[] = []
  kleur.enabled = colours
  try {
    const [scenario, solution] = await Promise.all([assignment.scenario(), loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir })])
    const summary = await runScenario(scenario, {
      solution,
      seed: 1,
      traceFile: join(dir, 'trace.jsonl'),
      verbose: false,
      live: colours,
      title: `${assignment.id} scenario`,
      write: (line) => out.push(line),
    })
    assert.is(summary.error, null, `${assignment.id}: ${summary.error?.message}`)
    const files = new Map(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), 'utf8')]))
    return { files, out }
  } finally {
    kleur.enabled = wasEnabled
    rmSync(dir, { recursive: true, force: true })
  }
}

for (const assignment of ASSIGNMENTS.filter(isReady)) {
  test(`${assignment.id}: the same trace on a terminal and in a pipe, with no colour in it`, async () => {
    const terminal = await run(assignment, true)
    const pipe = await run(assignment, false)
    assert.ok(terminal.out.some((line) => line.includes(ESC)), 'colours were on for the terminal run')
    assert.ok(!pipe.out.some((line) => line.includes(ESC)), 'and off for the piped one')
    assert.equal([...terminal.files.keys()], [...pipe.files.keys()])
    assert.ok(terminal.files.size > 0, 'a trace was written')
    for (const [name, text] of terminal.files) {
      // JSON writes ESC as the six characters \u001b; look for both forms.
      for (const [run, body] of [['terminal', text], ['pipe', pipe.files.get(name) as string]] as const) {
        const at = Math.max(body.indexOf(ESC), body.indexOf('\\u001b'))
        assert.ok(at < 0, `${run} trace ${name} holds an escape sequence: ${body.slice(body.lastIndexOf('\n', at) + 1, body.indexOf('\n', at))}`)
      }
      assert.ok(text === pipe.files.get(name), `${name}: the terminal run's trace differs from the piped run's`)
    }
    if (assignment.id === 'torrent') {
      // The narrator still colours the closing verdicts, at print time.
      const verdicts = terminal.out.filter((line) => /^\s*✓ node0\d /.test(plain(line)))
      assert.is(verdicts.length, 8, 'every node checks out')
      assert.ok(verdicts.every((line) => line.includes(`${ESC}[32m✓`)), 'with a green ✓')
    }
  })
}

test.run()
