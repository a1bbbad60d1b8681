// Code outside the runtime reaches it through a door: runtime/index.ts (drivers), runtime/sandbox.ts
// (the grading pipeline) or distlab/node (node code), never another of its files. Tests may (they
// test the internals); lab/, graders/, assignments/ and bench/ may not.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REPO_ROOT } from '../../runtime/build/compileModule.ts'

const CHECKED = ['lab', 'graders', 'assignments', 'bench']
const DOORS = new Set(['runtime/index.ts', 'runtime/sandbox.ts'])
/** `from '…'`, `import '…'` and `import('…')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path)
    return /\.[cm]?[jt]s$/.test(e.name) ? [path] : []
  })
}

test('lab/, graders/, assignments/ and bench/ import the runtime only through its doors', () => {
  const offenders: string[] = []
  for (const file of CHECKED.flatMap((dir) => sources(join(REPO_ROOT, dir)))) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (!specifier?.startsWith('.')) continue
      const target = relative(REPO_ROOT, resolve(dirname(file), specifier)).split(sep).join('/')
      if (target.startsWith('runtime/') && !DOORS.has(target)) offenders.push(`${relative(REPO_ROOT, file)}: '${specifier}'`)
    }
  }
  assert.equal(offenders, [], `deep imports into the runtime (use runtime/index.ts, runtime/sandbox.ts or distlab/node):\n${offenders.join('\n')}`)
})

test.run()
