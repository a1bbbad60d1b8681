// A run's files: each node's torrent.conf and data.bin written into its data directory before it
// first starts, and each data.bin compared byte for byte with the reference afterwards. Both
// stream in CHUNK-sized pieces, so memory stays flat whatever the file size.
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CONF_FILE, DATA_FILE, type TorrentConf } from '../messages.ts'
import { CHUNK, Content } from './content.ts'
import type { NodePlan, RunPlan } from './plan.ts'

export interface RunContent {
  reference: Content
  garbage(node: string): Content
  parts: string[]
}

export function writeConf(dir: string, node: NodePlan, run: RunPlan, parts: string[]): void {
  const conf: TorrentConf = { Peers: node.peers }
  if (node.info) conf.FileInfo = { Size: run.size, PartSize: run.partSize, Parts: parts.length ? parts : null }
  writeFileSync(join(dir, CONF_FILE), JSON.stringify(conf, null, 2))
}

/**
 * Which file a node's data.bin is (device and inode), or null when there is none. The course's
 * grader bind-mounts data.bin: a node must write that very file, so a run compares this before and
 * after.
 */
export function dataFileIdentity(dir: string): string | null {
  const path = join(dir, DATA_FILE)
  if (!existsSync(path)) return null
  const { dev, ino } = statSync(path)
  return `${dev}:${ino}`
}

export function writeData(dir: string, node: NodePlan, run: RunPlan, content: RunContent): void {
  const data = node.data
  if (data.kind === 'absent') return
  const garbage = content.garbage(node.name)
  const fd = openSync(join(dir, DATA_FILE), 'w')
  try {
    const write = (length: number, chunkAt: (offset: number, length: number) => Buffer): void => {
      for (let offset = 0; offset < length; offset += CHUNK) writeSync(fd, chunkAt(offset, Math.min(CHUNK, length - offset)), 0, undefined, offset)
    }
    switch (data.kind) {
      case 'empty':
        break
      case 'whole':
        write(run.size, (o, n) => content.reference.read(o, n))
        break
      case 'whole+tail':
        write(run.size + data.tail, (o, n) => (o + n <= run.size ? content.reference.read(o, n) : Buffer.concat([content.reference.read(o, Math.max(0, run.size - o)), garbage.read(Math.max(o, run.size), o + n - Math.max(o, run.size))])))
        break
      case 'garbage':
        write(data.length, (o, n) => garbage.read(o, n))
        break
      case 'owned': {
        const owners = run.owners as Uint16Array
        const padded = owners.length * run.partSize
        write(padded, (o, n) => {
          const chunk = garbage.read(o, n)
          for (let part = Math.floor(o / run.partSize); part * run.partSize < o + n; part++) {
            if (owners[part] !== data.index) continue
            const start = part * run.partSize
            const end = Math.min(run.size, start + run.partSize)
            // CHUNK is not a multiple of partSize: a part may straddle two chunks.
            const from = Math.max(start, o)
            const to = Math.min(end, o + n)
            if (to > from) content.reference.read(from, to - from).copy(chunk, from - o)
          }
          return chunk
        })
        break
      }
    }
  } finally {
    closeSync(fd)
  }
}

/** Why the node's data.bin is not the reference file, or null when it is, byte for byte. */
export function mismatch(dir: string, run: RunPlan, reference: Content): string | null {
  const path = join(dir, DATA_FILE)
  if (!existsSync(path)) return 'has no data.bin'
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    if (size !== run.size) return `data.bin is ${size.toLocaleString('en')} bytes, not ${run.size.toLocaleString('en')}`
    const buffer = Buffer.alloc(Math.min(CHUNK, run.size))
    for (let offset = 0; offset < run.size; offset += CHUNK) {
      const n = Math.min(CHUNK, run.size - offset)
      readFully(fd, buffer, n, offset)
      const expected = reference.read(offset, n)
      if (!buffer.subarray(0, n).equals(expected)) {
        let at = 0
        while (buffer[at] === expected[at]) at++
        const first = offset + at
        return `data.bin differs from the reference at byte ${first.toLocaleString('en')} (part ${Math.floor(first / run.partSize)})`
      }
    }
    return null
  } finally {
    closeSync(fd)
  }
}

function readFully(fd: number, buffer: Buffer, length: number, position: number): void {
  let done = 0
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done)
    if (n === 0) break
    done += n
  }
}
