// What a node keeps in its data directory besides data.bin, for its next incarnation: the peers
// it learned (they may be the only way back into the swarm) and a FileInfo learned from a peer
// (every peer that had it may be down when it restarts). Never the list of parts it holds: after
// a crash only data.bin's hashes can say that (a kill may tear a write).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FileInfo } from 'distlab/protocol/torrent'
import { readInfo } from './config.ts'

const PEERS_FILE = 'peers.json'
const INFO_FILE = 'fileinfo.json'

export function readText(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null
}

/** What a file the node wrote itself holds, or null when it is missing or unreadable. */
export function readJson(path: string): unknown {
  const text = readText(path)
  try {
    return text === null ? null : JSON.parse(text)
  } catch {
    return null
  }
}

export function rememberedPeers(dir: string): string[] {
  const value = readJson(join(dir, PEERS_FILE))
  return Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string') : []
}

export function rememberPeers(dir: string, peers: Iterable<string>): void {
  writeFileSync(join(dir, PEERS_FILE), JSON.stringify([...peers]))
}

export function rememberedInfo(dir: string): FileInfo | null {
  return readInfo(readJson(join(dir, INFO_FILE)), [])
}

export function rememberInfo(dir: string, info: FileInfo): void {
  writeFileSync(join(dir, INFO_FILE), JSON.stringify(info))
}
