// The client's context and events, and what its actions read from them: the token (from where
// the seed lets it come), the service's address, the requests of the simple commands, and the
// answers a finished call brought back. The chart itself is client.ts.
import { readFileSync } from 'node:fs'
import type { Delivered, HttpAbortMessage, HttpBodyAckMessage, HttpBodyMessage, HttpResponseMessage, UnreachableEvent } from 'distlab/node'
import { CONFIG_FILE, type ExitCode } from 'distlab/protocol/disk-client'
import { apiPath, type Target } from './api.ts'
import type { CallInput, CallOutput } from './apiCall.ts'
import { diskPath, type Command } from './commands.ts'
import { localPath, type LocalReader, type PartWriter } from './localFiles.ts'

/** Entries asked for per page of a listing. */
export const PAGE = 100

export interface Context {
  dataDir: string
  tty: boolean
  command: Command | null
  problem: string | null
  api: Target | null
  token: string | null
  nextRid: number
  listed: string[]
  operation: Target | null
  pollDeadline: number
  tries: number
  reader: LocalReader | null
  part: PartWriter | null
  link: Target | null
  streamRid: number
  /** Pieces sent and acknowledged, of an upload. */
  sent: number
  acked: number
  expected: { size: number; md5: string; sha256: string }
  result: { line: string; code: ExitCode }
}

export type Event =
  | Delivered<HttpResponseMessage>
  | Delivered<HttpBodyMessage>
  | Delivered<HttpBodyAckMessage>
  | Delivered<HttpAbortMessage>
  | UnreachableEvent
  | { type: 'xstate.done.actor.call'; output: CallOutput }

export type Done = { output: CallOutput }

/** The token: --token-file, else DISK_TOKEN, else the config file; never printed. */
export function tokenOf(dataDir: string, env: Record<string, string>, tokenFile: string | null): string | null {
  const read = (name: string): string | null => {
    const path = localPath(dataDir, name)
    try {
      return path ? readFileSync(path, 'utf8') : null
    } catch {
      return null
    }
  }
  if (tokenFile !== null) return read(tokenFile)?.trim() || null
  if (env.DISK_TOKEN) return env.DISK_TOKEN
  const config = read(CONFIG_FILE)
  try {
    const token = config ? (JSON.parse(config) as { token?: unknown }).token : undefined
    return typeof token === 'string' && token !== '' ? token : null
  } catch {
    return null
  }
}

export const headers = (context: Context): Record<string, string> => ({ authorization: `OAuth ${context.token ?? ''}`, accept: 'application/json' })
export const api = (context: Context): Target => context.api as Target
export const command = <K extends Command['kind']>(context: Context): Extract<Command, { kind: K }> => context.command as Extract<Command, { kind: K }>
export const outputOf = (event: unknown): CallOutput => (event as Done).output
export const responseOf = (event: unknown): HttpResponseMessage | null => {
  const output = outputOf(event)
  return 'response' in output ? output.response : null
}
export const bodyOf = (event: unknown): Record<string, unknown> => {
  try {
    return JSON.parse(responseOf(event)?.body ?? '{}') as Record<string, unknown>
  } catch {
    return {}
  }
}
export const ok = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300
export const remoteOf = (c: Command): string => ('path' in c ? c.path : 'from' in c ? c.from : 'remote' in c ? c.remote : 'disk:/')
export const call = (context: Context, method: string, path: string): CallInput => ({ ridBase: context.nextRid, to: api(context).address, method, path, headers: headers(context) })

/** The request of rm, mv, cp, mkdir and info. */
export function commandCall({ context }: { context: Context }): CallInput {
  const c = context.command as Command
  const a = api(context)
  switch (c.kind) {
    case 'info':
      return call(context, 'GET', apiPath(a, '', {}))
    case 'mkdir':
      return call(context, 'PUT', apiPath(a, '/resources', { path: diskPath(c.path) }))
    case 'rm':
      return call(context, 'DELETE', apiPath(a, '/resources', { path: diskPath(c.path), permanently: c.permanently ? true : undefined }))
    case 'mv':
    case 'cp':
      return call(context, 'POST', apiPath(a, c.kind === 'mv' ? '/resources/move' : '/resources/copy', { from: diskPath(c.from), path: diskPath(c.to), overwrite: c.overwrite ? true : undefined }))
    default:
      return call(context, 'GET', apiPath(a, '/resources', { path: diskPath(remoteOf(c)) }))
  }
}

