// What the client prints on success, one line per fact (spec.md, "Output").
import type { Command } from './commands.ts'
import { diskPath } from './commands.ts'

interface Resource {
  name?: unknown
  type?: unknown
  size?: unknown
  path?: unknown
  _embedded?: { items?: unknown; total?: unknown }
}

/** The entries of a folder listing, `name/` for a folder and `name  SIZE` for a file. */
export function listingLines(resource: Resource): string[] {
  if (resource.type === 'file') return [entryLine(resource)]
  const items = Array.isArray(resource._embedded?.items) ? (resource._embedded?.items as Resource[]) : []
  return items.map(entryLine)
}

const entryLine = (item: Resource): string => (item.type === 'dir' ? `${String(item.name)}/` : `${String(item.name)}  ${typeof item.size === 'number' ? item.size : '?'}`)

/** How many entries the folder has in all (to know whether to ask for the next page). */
export function totalOf(resource: Resource): number {
  const total = resource._embedded?.total
  return typeof total === 'number' ? total : 0
}

export function doneLine(command: Command, bytes?: number): string {
  switch (command.kind) {
    case 'mkdir':
      return `created ${diskPath(command.path)}`
    case 'rm':
      return `removed ${diskPath(command.path)}${command.permanently ? ' permanently' : ''}`
    case 'mv':
      return `moved ${diskPath(command.from)} -> ${diskPath(command.to)}`
    case 'cp':
      return `copied ${diskPath(command.from)} -> ${diskPath(command.to)}`
    case 'upload':
      return `uploaded ${command.local} -> ${diskPath(command.remote)} (${bytes ?? 0} bytes)`
    case 'download':
      return `downloaded ${diskPath(command.remote)} -> ${command.local} (${bytes ?? 0} bytes, checksums match)`
    default:
      return 'done'
  }
}

export function infoLine(body: { used_space?: unknown; total_space?: unknown; trash_size?: unknown }): string {
  return `used ${String(body.used_space)} of ${String(body.total_space)} bytes (trash ${String(body.trash_size ?? 0)})`
}
