// `distlab new <id> DIR`: a solution's folder to start from. The role modules are the assignment's
// own starter files (assignments/<id>/starter/<role>.ts: real code the lab's tsc checks), copied;
// the project files around them come from projectFiles.ts. Nothing is overwritten unless asked.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import type { Assignment } from '../../assignments/registry.ts'
import { DistlabError, REPO_ROOT } from '../../runtime/index.ts'
import { GITIGNORE, packageJson, readme, tsconfigJson } from './projectFiles.ts'

export interface SkeletonOptions {
  /** Overwrite files that are already there. */
  force?: boolean
}

/** Writes the skeleton into `dir` and returns the names of the files written, in order. */
export function writeSkeleton(assignment: Assignment, dir: string, options: SkeletonOptions = {}): string[] {
  const target = resolve(dir)
  if (target === REPO_ROOT || target.startsWith(REPO_ROOT + sep)) {
    throw new DistlabError('BAD_INPUT', `${dir} is inside the lab's checkout; put your solution in a folder of its own, such as ~/${assignment.id}-solution`)
  }
  const starter = join(assignment.dir, 'starter')
  const modules = existsSync(starter) ? readdirSync(starter).filter((name) => name.endsWith('.ts')) : []
  const missing = Object.keys(assignment.roles).filter((role) => !modules.includes(`${role}.ts`))
  if (missing.length) throw new Error(`assignments/${assignment.id}/starter has no ${missing.map((r) => `${r}.ts`).join(', ')}`)
  const files: Record<string, () => void> = {}
  for (const name of modules) files[name] = () => copyFileSync(join(starter, name), join(target, name))
  const text = (name: string, content: string) => (files[name] = () => writeFileSync(join(target, name), content))
  text('tsconfig.json', tsconfigJson())
  text('package.json', packageJson(assignment))
  text('README.md', readme(assignment))
  text('.gitignore', GITIGNORE)
  const present = Object.keys(files).filter((name) => existsSync(join(target, name)))
  if (present.length && !options.force) {
    throw new DistlabError('BAD_INPUT', `${dir} already has ${present.join(', ')}; nothing was written (--force overwrites them)`)
  }
  mkdirSync(target, { recursive: true })
  for (const write of Object.values(files)) write()
  return Object.keys(files)
}
