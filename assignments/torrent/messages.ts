// What every torrent node shares with the grader: the files in its data directory and the one
// console line it prints. How nodes talk to each other is each solution's own protocol (the
// reference's is in solution/wire.ts); every node of a run runs the same solution.

/** The JSON file a node finds in its data directory (the seed's `/torrent.conf`). */
export const CONF_FILE = 'torrent.conf'
/** The file to synchronize (the seed's `/data.bin`): written in place, never replaced by a rename. */
export const DATA_FILE = 'data.bin'
/** What a node prints once its `data.bin` is whole and every part matches its hash. */
export const COMPLETE_LINE = 'complete'
/** Lines a node prints about a `torrent.conf` it cannot use start with this. */
export const CONFIG_ERROR_PREFIX = 'config error:'
/** The one line a node prints when it cannot use its data.bin (a directory, no permission). */
export const DATA_ERROR_PREFIX = 'data error:'

export interface FileInfo {
  /** Bytes in the file; 0 is legal. */
  Size: number
  /** Bytes per part; part i is bytes [i·PartSize, min(Size, (i+1)·PartSize)). */
  PartSize: number
  /** Lower-case hex SHA-1 of every part, in order; `null` means none (a 0-byte file). */
  Parts: string[] | null
}

/** `torrent.conf`: any field may be missing or null on some nodes. */
export interface TorrentConf {
  /** IPv4 addresses of peers (may include the node's own); null means none. */
  Peers?: string[] | null
  FileInfo?: FileInfo | null
}

/** Parts in a file of `size` bytes cut into `partSize`-byte parts. */
export function partCount(size: number, partSize: number): number {
  return size === 0 ? 0 : Math.ceil(size / partSize)
}
