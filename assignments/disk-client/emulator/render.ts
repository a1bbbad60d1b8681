// Resources as the service writes them. Keys and their order follow recorded answers (yadisk
// tests/recorded test_get_meta.json for a folder, test_copy.json for a file and `_embedded`);
// fields the emulator has no meaning for (previews, `sizes`, `exif` contents) are left out or empty.
import { isoTime } from './ids.ts'
import { nameOf } from './paths.ts'
import type { Entry } from './types.ts'

export interface Listing {
  items: Entry[]
  sort: string
  limit: number
  offset: number
  total: number
}

/** One resource; `fileHref` makes a file's `file` (download) link; `listing` adds `_embedded`. */
export function renderResource(entry: Entry, fileHref: (entry: Entry) => string, listing?: Listing): Record<string, unknown> {
  const ids = { private_resource: entry.resourceId, public_resource: entry.resourceId }
  if (entry.type === 'file') {
    return {
      antivirus_status: 'clean',
      size: entry.size,
      comment_ids: ids,
      name: nameOf(entry.path),
      exif: {},
      created: isoTime(entry.created),
      resource_id: entry.resourceId,
      modified: isoTime(entry.modified),
      mime_type: entry.mimeType,
      file: fileHref(entry),
      media_type: entry.mediaType,
      path: entry.path,
      sha256: entry.sha256,
      type: 'file',
      md5: entry.md5,
      revision: entry.revision,
    }
  }
  const out: Record<string, unknown> = {}
  if (listing) {
    out._embedded = {
      sort: listing.sort,
      items: listing.items.map((e) => renderResource(e, fileHref)),
      limit: listing.limit,
      offset: listing.offset,
      path: entry.path,
      total: listing.total,
    }
  }
  return Object.assign(out, {
    name: nameOf(entry.path),
    exif: {},
    resource_id: entry.resourceId,
    created: isoTime(entry.created),
    modified: isoTime(entry.modified),
    path: entry.path,
    comment_ids: ids,
    type: 'dir',
    revision: entry.revision,
  })
}

export const SORT_KEYS = ['name', 'path', 'created', 'modified', 'size'] as const

/**
 * A folder's children in listing order. With no `sort` the service lists folders before files
 * (test_copy.json: two folders, then file.txt, though `file.txt` sorts first by name); within
 * each kind, and for every explicit key, ties fall back to the name. `-key` reverses.
 */
export function sortEntries(entries: Entry[], sort: string): Entry[] {
  const desc = sort.startsWith('-')
  const key = desc ? sort.slice(1) : sort
  const byName = (a: Entry, b: Entry): number => cmp(nameOf(a.path), nameOf(b.path))
  const compare = (a: Entry, b: Entry): number => {
    switch (key) {
      case '':
        return (a.type === b.type ? 0 : a.type === 'dir' ? -1 : 1) || byName(a, b)
      case 'path':
        return cmp(a.path, b.path)
      case 'created':
        return a.created - b.created || byName(a, b)
      case 'modified':
        return a.modified - b.modified || byName(a, b)
      case 'size':
        return sizeOf(a) - sizeOf(b) || byName(a, b)
      default:
        return byName(a, b)
    }
  }
  return [...entries].sort((a, b) => (desc ? -compare(a, b) : compare(a, b)))
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const sizeOf = (e: Entry): number => (e.type === 'file' ? e.size : 0)

type FieldTree = Map<string, FieldTree>

/**
 * `fields=name,_embedded.items.path`: keeps only the named keys (docs: the `fields` parameter of
 * every method). A key named without sub-keys is kept whole; arrays are filtered item by item.
 * As recorded (test_listdir_with_limits.json), listing `_embedded` and `_embedded.items` keeps
 * only the sub-keys named.
 */
export function pickFields(value: unknown, spec: string | null): unknown {
  if (spec === null || spec.trim() === '') return value
  const tree: FieldTree = new Map()
  for (const path of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    let node = tree
    for (const key of path.split('.')) {
      let next = node.get(key)
      if (!next) node.set(key, (next = new Map()))
      node = next
    }
  }
  return pick(value, tree)
}

function pick(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((v) => pick(v, tree))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const sub = tree.get(key)
    if (sub) out[key] = sub.size > 0 ? pick(v, sub) : v
  }
  return out
}
