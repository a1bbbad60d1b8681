// BUG: data.bin is sized by writing a copy of exactly Size bytes and renaming it over the original.
// The bytes end up right, but the file the node was given is gone: the course's grader bind-mounts
// data.bin into the container, so it never sees what the node wrote.
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { assign } from 'xstate'
import { defineNode } from 'distlab/node'
import { DATA_FILE, type FileInfo } from 'distlab/protocol/torrent'
import { openDataFile, torrentMachine } from '../../solution/node.ts'

/** Copies the first `size` bytes of `path` (zeros past its end) to a new file, renamed over it. */
function resizeByCopy(path: string, size: number): void {
  const from = openSync(path, constants.O_RDONLY | constants.O_CREAT, 0o644)
  const copy = openSync(`${path}.new`, 'w')
  const chunk = new Uint8Array(1 << 20)
  for (let offset = 0; offset < Math.min(size, fstatSync(from).size); ) {
    const n = readSync(from, chunk, 0, Math.min(chunk.length, size - offset), offset)
    if (n === 0) break
    writeSync(copy, chunk, 0, n, offset)
    offset += n
  }
  ftruncateSync(copy, size)
  closeSync(from)
  closeSync(copy)
  renameSync(`${path}.new`, path)
}

export default defineNode({
  machine: torrentMachine.provide({
    actions: {
      openFile: assign(({ context }) => {
        resizeByCopy(join(context.dir, DATA_FILE), (context.info as FileInfo).Size)
        return openDataFile(context)
      }),
    },
  }),
})
