// `npm install` in a new solution's folder: its devDependencies are `file:` links into the lab, so
// this makes symlinks and .bin entries (tsc, distlab) without downloading anything.
import { spawnSync } from 'node:child_process'

const INSTALL_TIMEOUT_MS = 120_000

/** Runs npm install in `dir`; null when it worked, else what went wrong. */
export function installLinks(dir: string): string | null {
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    // npm is npm.cmd on Windows, which only a shell runs.
    shell: process.platform === 'win32',
  })
  if (result.error) return result.error.message
  if (result.status !== 0) return `npm install exited with code ${result.status}: ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n')}`
  return null
}
