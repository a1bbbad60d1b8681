// Reading torrent.conf as the seed allows it (null Peers, null Parts, FileInfo missing) and
// refusing what it does not (bad JSON, wrong types, a hash count that does not fit Size and
// PartSize): each problem becomes one sentence, and the node keeps what it can use.
import { partCount, type FileInfo } from 'distlab/protocol/torrent'

export interface ParsedConf {
  peers: string[]
  info: FileInfo | null
  /** What is wrong with the file, if anything: the node prints these. */
  problems: string[]
}

const HEX40 = /^[0-9a-f]{40}$/

export function parseConf(text: string | null): ParsedConf {
  if (text === null) return { peers: [], info: null, problems: ['torrent.conf is missing'] }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return { peers: [], info: null, problems: [`torrent.conf is not JSON (${(err as Error).message})`] }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { peers: [], info: null, problems: ['torrent.conf must hold a JSON object with Peers and FileInfo'] }
  const problems: string[] = []
  const conf = raw as Record<string, unknown>
  return { peers: readPeers(conf.Peers, problems), info: readInfo(conf.FileInfo, problems), problems }
}

function readPeers(value: unknown, problems: string[]): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) {
    problems.push('Peers must be an array of IP address strings (or null); ignoring it')
    return []
  }
  return [...new Set(value as string[])]
}

/** A FileInfo the node can trust, or null (absent or unusable: then it asks its peers). */
export function readInfo(value: unknown, problems: string[]): FileInfo | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push('FileInfo must be an object with Size, PartSize and Parts; ignoring it')
    return null
  }
  const { Size, PartSize, Parts } = value as Record<string, unknown>
  if (!(Number.isSafeInteger(Size) && (Size as number) >= 0)) return bad(problems, `FileInfo.Size must be a non-negative integer (got ${JSON.stringify(Size)})`)
  if (!(Number.isSafeInteger(PartSize) && (PartSize as number) > 0)) return bad(problems, `FileInfo.PartSize must be a positive integer (got ${JSON.stringify(PartSize)})`)
  const parts = Parts ?? []
  if (!Array.isArray(parts) || !parts.every((h) => typeof h === 'string' && HEX40.test(h.toLowerCase()))) return bad(problems, 'FileInfo.Parts must be an array of 40-digit hex SHA-1 strings (or null)')
  const expected = partCount(Size as number, PartSize as number)
  if (parts.length !== expected) return bad(problems, `FileInfo.Parts has ${parts.length} hashes, but Size ${Size} in parts of ${PartSize} needs ${expected}`)
  return { Size: Size as number, PartSize: PartSize as number, Parts: (parts as string[]).map((h) => h.toLowerCase()) }
}

function bad(problems: string[], sentence: string): null {
  problems.push(`${sentence}; ignoring FileInfo and asking peers for it`)
  return null
}
