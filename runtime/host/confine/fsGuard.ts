// A node's file system is its data directory. Node's permission model is per process, so every
// worker of a run could read every other node's files and the runtime's bundles; this guard,
// installed inside each worker before the node's module loads, narrows node:fs to the node's own
// directory: paths must resolve inside it, file descriptors must be ones the node opened (not the
// process's stdout or the grader's channel), links are refused (they could point outside), and
// asynchronous calls are refused (their callbacks would run on real time, between events).
import fs from 'node:fs'
import { resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfinementError, refused, refusingObject, replace } from './refuse.ts'

const ASYNC = 'node code must be synchronous (its callback would run on real time, between events)'

/** Functions whose arguments at these positions are paths (or, where marked, a path or an fd). */
const PATH_ARGS: Record<string, number[]> = {
  accessSync: [0],
  chmodSync: [0],
  chownSync: [0],
  existsSync: [0],
  lchownSync: [0],
  lutimesSync: [0],
  lstatSync: [0],
  mkdirSync: [0],
  mkdtempSync: [0],
  opendirSync: [0],
  readdirSync: [0],
  readlinkSync: [0],
  realpathSync: [0],
  rmdirSync: [0],
  rmSync: [0],
  statSync: [0],
  statfsSync: [0],
  unlinkSync: [0],
  utimesSync: [0],
  copyFileSync: [0, 1],
  cpSync: [0, 1],
  renameSync: [0, 1],
}

/** A path or a file descriptor the node opened. */
const PATH_OR_FD = ['appendFileSync', 'readFileSync', 'writeFileSync', 'truncateSync']

/** Functions whose first argument is a file descriptor. */
const FD_ARGS = ['closeSync', 'fchmodSync', 'fchownSync', 'fdatasyncSync', 'fstatSync', 'fsyncSync', 'ftruncateSync', 'futimesSync', 'readSync', 'readvSync', 'writeSync', 'writevSync']

const LINKS = ['linkSync', 'symlinkSync']

type FsFunction = (...args: unknown[]) => unknown

/**
 * Narrows node:fs to the directory `dataDir()` names at each call, with at most `openFiles()`
 * descriptors open at once; reset() closes the descriptors of the last node.
 */
export function guardFileSystem(dataDir: () => string, openFiles: () => number): { reset(): void } {
  const owned = new Set<number>()
  const table = fs as unknown as Record<string, unknown>
  const real = (name: string): FsFunction => table[name] as FsFunction
  const originalClose = real('closeSync')

  const inside = (value: unknown, call: string): void => {
    const path = pathOf(value)
    if (path === null) return // not a path: the real function reports the type error
    const root = resolve(dataDir())
    const full = resolve(path)
    if (full !== root && !full.startsWith(root + sep)) {
      throw new ConfinementError(`fs.${call}(${JSON.stringify(path)})`, `a node may use files only inside its data directory, input.dataDir (${root})`)
    }
  }
  const ownFd = (fd: unknown, call: string): void => {
    if (typeof fd === 'number' && !owned.has(fd)) {
      throw new ConfinementError(`fs.${call}(${fd})`, 'a node may use only file descriptors it opened with fs.openSync in its data directory (console.log writes to the trace)')
    }
  }

  for (const [name, positions] of Object.entries(PATH_ARGS)) {
    const original = real(name)
    if (typeof original !== 'function') continue
    const guarded = function (this: unknown, ...args: unknown[]): unknown {
      for (const i of positions) inside(args[i], name)
      return original.apply(fs, args)
    }
    if (name === 'realpathSync') (guarded as unknown as { native: FsFunction }).native = guarded
    replace(fs, name, guarded)
  }
  for (const name of PATH_OR_FD) {
    const original = real(name)
    replace(fs, name, function (this: unknown, ...args: unknown[]): unknown {
      if (typeof args[0] === 'number') ownFd(args[0], name)
      else inside(args[0], name)
      return original.apply(fs, args)
    })
  }
  for (const name of FD_ARGS) {
    const original = real(name)
    const isSync = name === 'fsyncSync' || name === 'fdatasyncSync'
    replace(fs, name, function (this: unknown, ...args: unknown[]): unknown {
      ownFd(args[0], name)
      // Node's permission model (the grading sandbox) disables fsync outright. There the data
      // directory is scratch and a crash is simulated (WriteLog tears unsynced writes), so the sync
      // is a no-op for the disk but still counts: the write log hears of it after this returns.
      if (isSync && process.permission !== undefined) return undefined
      const result = original.apply(fs, args)
      if (name === 'closeSync') owned.delete(args[0] as number)
      return result
    })
  }
  const openSync = real('openSync')
  replace(fs, 'openSync', function (this: unknown, ...args: unknown[]): number {
    inside(args[0], 'openSync')
    if (owned.size >= openFiles()) {
      throw new ConfinementError(`fs.openSync(${JSON.stringify(pathOf(args[0]))})`, `a node may hold at most ${openFiles()} files open at once (it has ${owned.size}); close the ones it no longer needs with fs.closeSync`)
    }
    const fd = openSync.apply(fs, args) as number
    owned.add(fd)
    return fd
  })
  for (const name of LINKS) replace(fs, name, refused(`fs.${name}()`, 'a link could point outside the data directory'))
  // Everything else that is a function and not *Sync is asynchronous (or a stream, or a watcher).
  for (const name of Object.keys(fs)) {
    if (name in PATH_ARGS || PATH_OR_FD.includes(name) || FD_ARGS.includes(name) || LINKS.includes(name) || name === 'openSync') continue
    if (typeof table[name] === 'function' && /^[a-z]/.test(name) && !name.endsWith('Sync')) {
      replace(fs, name, refused(`fs.${name}()`, `${ASYNC}; use fs.${name}Sync() where there is one`))
    }
  }
  replace(fs, 'promises', refusingObject('fs.promises', `${ASYNC}; use the *Sync functions of node:fs`))
  // The last node's files are closed when its worker is reset (only trusted runs reuse workers).
  const closeSync = originalClose
  return {
    reset: () => {
      for (const fd of owned) {
        try {
          closeSync.call(fs, fd)
        } catch {
          // already closed
        }
      }
      owned.clear()
    },
  }
}

function pathOf(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (value instanceof URL) return value.protocol === 'file:' ? fileURLToPath(value) : value.href
  if (value instanceof Uint8Array) return Buffer.from(value).toString()
  return null
}
