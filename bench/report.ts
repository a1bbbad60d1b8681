// What every benchmark suite shares: the machine line and saving results as JSON.
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from '../runtime/index.ts'
import { kleur } from '../lab/format.ts'

export function machineLine(): string {
  return `${cpus()[0]?.model ?? 'cpu'} · ${availableParallelism()} cores · node ${process.version}`
}

/** Writes bench/results/<name>.json with the machine's particulars; returns its path. */
export function saveResult(name: string, data: object): string {
  const dir = join(REPO_ROOT, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}.json`)
  writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model ?? null, ...data }, null, 2)}\n`)
  console.log(kleur.gray(`saved ${file}`))
  return file
}

/** `73%`, padded to `width`, green or red against `target` when there is one. */
export function percent(ratio: number, target?: number, width = 0): string {
  const text = `${(ratio * 100).toFixed(0)}%`.padStart(width)
  if (target === undefined) return text
  return ratio >= target ? kleur.green(text) : kleur.red(text)
}
