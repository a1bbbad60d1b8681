// The zip Gradescope takes: setup.sh and run_autograder at its root (executable), autograder.json
// (what to grade and how), and the lab's own files (kitFiles). Deterministic: entries sorted, one
// fixed date, so the same checkout gives the same bytes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync, type Zippable } from 'fflate'
import type { Assignment } from '../../assignments/registry.ts'
import { checkKitConfig, KIT_CONFIG_FILE, type KitConfig } from './kitConfig.ts'
import { kitFiles } from './kitFiles.ts'
import { runScript, setupScript } from './scripts.ts'

const FIXED_DATE = new Date('2026-01-01T00:00:00Z')
/** rwxr-xr-x and rw-r--r-- as a Unix zip's external attributes (the mode in the high 16 bits). */
const EXECUTABLE = 0o100755 << 16
const PLAIN = 0o100644 << 16

export async function buildKit(root: string, assignment: Assignment, options: Partial<Omit<KitConfig, 'assignment'>> = {}): Promise<{ zip: Uint8Array; files: number; config: KitConfig }> {
  const grader = await assignment.grader()
  const config = checkKitConfig({ ...options, assignment: assignment.id }, grader.tests.map((t) => t.name))
  // Modules the grader starts itself (pbservice's coordinator is the viewservice reference).
  const keep = (grader.modules ?? []).map((m) => `${m.replace(`${root}/`, '').replace(/[^/]+$/, '')}`)
  const entries: Zippable = {}
  const add = (path: string, data: Uint8Array, executable = false): void => {
    entries[path] = [data, { mtime: FIXED_DATE, os: 3, attrs: executable ? EXECUTABLE : PLAIN }]
  }
  const files = kitFiles(root, keep)
  for (const path of files) add(path, readFileSync(join(root, path)))
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
  add('setup.sh', encode(setupScript()), true)
  add('run_autograder', encode(runScript(config)), true)
  add(KIT_CONFIG_FILE, encode(`${JSON.stringify(config, null, 2)}\n`))
  const sorted: Zippable = {}
  for (const key of Object.keys(entries).sort()) sorted[key] = entries[key] as Zippable[string]
  return { zip: zipSync(sorted, { level: 9 }), files: files.length + 3, config }
}
