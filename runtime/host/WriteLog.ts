// Torn writes. A write that returned is in the page cache, not yet on disk: when the machine goes
// down (power, kernel) before writeback, a recent write may have reached the disk only in part.
// The log makes that happen to a crashed node: it wraps `fs.openSync`, `fs.writeSync` and
// `fs.fsyncSync`/`fs.fdatasyncSync` inside the node, keeps the old bytes under the node's last
// positioned write, and reports writes and syncs as effects (file, offset, length; no bytes). At
// a crash the simulation, which has seen those effects in key order, picks how many whole pages
// of the last unsynced write reached the disk (a seeded draw) and asks the host to put the old
// bytes back over the rest (`tear`). Only positioned writes to files opened with `fs.openSync`
// are logged: the in-place writes a crash-tolerant node does.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { HostEffect, TornWrite } from './protocol.ts'

/** The granularity a write tears at: a page of the page cache. */
export const PAGE = 4096

export type WriteEffect = Extract<HostEffect, { kind: 'write' | 'synced' }>

interface LastWrite {
  file: string
  offset: number
  length: number
  /** The bytes that were in [offset, offset + length) before the write (shorter past the old end). */
  old: Uint8Array
  /** The file's size before the write: a write that extended the file is cut back on a tear. */
  oldSize: number
}

// The runtime's own file access (reading old bytes, tearing), taken before any node's code runs.
const realOpenSync = fs.openSync
const realWriteSync = fs.writeSync
const realReadSync = fs.readSync
const realFstatSync = fs.fstatSync
const realFtruncateSync = fs.ftruncateSync
const realCloseSync = fs.closeSync
const realExistsSync = fs.existsSync

type Wrapped = 'openSync' | 'writeSync' | 'fsyncSync' | 'fdatasyncSync'
/** node:fs's exports, writable (TypeScript types the module object read-only). */
const patchable = fs as unknown as Record<Wrapped, unknown>

export class WriteLog {
  private readonly paths = new Map<number, string>()
  private last: LastWrite | null = null
  /** What install() wrapped (in a worker, the confinement's guarded functions), to restore. */
  private base: Pick<typeof fs, Wrapped> | null = null

  /** `report` says whether the write was taken (a write outside any event is not). */
  constructor(private readonly report: (effect: WriteEffect) => boolean) {}

  /** Routes the node's `openSync`/`writeSync` (named ESM imports included) through the log. */
  install(): void {
    const paths = this.paths
    const log = this
    const base = (this.base = { openSync: fs.openSync, writeSync: fs.writeSync, fsyncSync: fs.fsyncSync, fdatasyncSync: fs.fdatasyncSync })
    patchable.openSync = function openSync(this: unknown, ...args: Parameters<typeof fs.openSync>): number {
      const fd = base.openSync.apply(fs, args)
      const path = args[0]
      paths.set(fd, path instanceof URL ? fileURLToPath(path) : resolve(String(path)))
      return fd
    }
    patchable.writeSync = function writeSync(this: unknown, ...args: unknown[]): number {
      const written = (base.writeSync as (...a: unknown[]) => number).apply(fs, args)
      return written
    }
    // The old bytes are kept before the write goes through: wrap again to look first.
    const write = patchable.writeSync as (...a: unknown[]) => number
    patchable.writeSync = function writeSync(this: unknown, ...args: unknown[]): number {
      log.before(args)
      return write.apply(fs, args)
    }
    patchable.fsyncSync = function fsyncSync(this: unknown, fd: number): void {
      base.fsyncSync(fd)
      log.synced(fd)
    }
    patchable.fdatasyncSync = function fdatasyncSync(this: unknown, fd: number): void {
      base.fdatasyncSync(fd)
      log.synced(fd)
    }
    syncBuiltinESMExports()
  }

  restore(): void {
    if (!this.base) return
    Object.assign(patchable, this.base)
    this.base = null
    syncBuiltinESMExports()
  }

  /**
   * Puts the old bytes back from file offset `cut` to the end of the last write (and cuts the file
   * back to its old size if the write had extended it). `write` names the write the simulation
   * means; a mismatch (there is no such last write) leaves the file alone.
   */
  tear(write: TornWrite, cut: number): void {
    const last = this.last
    if (!last || last.file !== write.file || last.offset !== write.offset || last.length !== write.length) return
    this.last = null
    // A file the node removed since (a temporary one) has nothing left to tear.
    if (!realExistsSync(last.file)) return
    const fd = realOpenSync(last.file, 'r+')
    try {
      const from = cut - last.offset
      if (from < last.old.length) realWriteSync(fd, last.old, from, last.old.length - from, cut)
      const end = last.offset + last.length
      if (end > last.oldSize) realFtruncateSync(fd, Math.max(last.oldSize, cut))
    } finally {
      realCloseSync(fd)
    }
  }

  /** A synced file's writes are on disk: none of them can tear any more. */
  private synced(fd: number): void {
    const file = this.paths.get(fd)
    if (file === undefined || !this.report({ kind: 'synced', file })) return
    if (this.last?.file === file) this.last = null
  }

  /** Before a write: if positioned and to a known file, keep what it overwrites and report it. */
  private before(args: unknown[]): void {
    const [fd, data] = args
    if (typeof fd !== 'number' || !ArrayBuffer.isView(data)) return
    const file = this.paths.get(fd)
    const placed = placement(args, data.byteLength)
    if (file === undefined || !placed || placed.length === 0) return
    const { offset, length } = placed
    if (!this.report({ kind: 'write', file, offset, length })) return
    const oldSize = realFstatSync(fd).size
    const old = new Uint8Array(Math.max(0, Math.min(length, oldSize - offset)))
    if (old.length > 0) realReadSync(fd, old, 0, old.length, offset)
    this.last = { file, offset, length, old, oldSize }
  }
}

/** Where a `writeSync(fd, buffer, ...)` call writes, if it names a position. */
function placement(args: unknown[], size: number): { offset: number; length: number } | null {
  const third = args[2]
  if (third !== null && typeof third === 'object') {
    const options = third as { offset?: number; length?: number; position?: number | null }
    if (typeof options.position !== 'number') return null
    return { offset: options.position, length: options.length ?? size - (options.offset ?? 0) }
  }
  const [, , start, length, position] = args
  if (typeof position !== 'number') return null
  return { offset: position, length: typeof length === 'number' ? length : size - (typeof start === 'number' ? start : 0) }
}

/**
 * Where a torn write stops keeping new bytes: a page boundary inside [offset, offset + length),
 * the write's start included (nothing of it reached the disk), chosen by `u` in [0, 1).
 */
export function tearPoint(write: { offset: number; length: number }, u: number): number {
  const first = Math.ceil((write.offset + 1) / PAGE) * PAGE
  const boundaries = [write.offset]
  for (let b = first; b < write.offset + write.length; b += PAGE) boundaries.push(b)
  return boundaries[Math.min(boundaries.length - 1, Math.floor(u * boundaries.length))] as number
}
