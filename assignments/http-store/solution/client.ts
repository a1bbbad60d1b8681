// The http-store console client (reference). Read it as a statechart:
//
//   running, in parallel:
//     console   ready ──a command──▶ asking ──the answer──▶ ready
//                                      └──no answer in time, or nobody there: the next server──┘
//               (after every server was tried: an error line, then ready)
//     checker   every `check`, once authorized: asks the current server for the member list,
//               which becomes the list of servers to use (seed 003's background checker)
//   exited      after `exit`
//
// Lines typed while a command is in flight are read when it is done. The token is kept in the
// context and sent in the Authorization header; it is never printed.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assign, enqueueActions, setup } from 'xstate'
import { defineNode, httpRequest, print, send, type Delivered, type HttpResponseMessage, type NodeEffect, type NodeInput, type StdinEvent, type UnreachableEvent } from 'distlab/node'
import { TIMING, type ClientConfig } from 'distlab/protocol/http-store'
import { parseCommand, type Command } from './commands.ts'

type Asked = Exclude<Command, { kind: 'exit' }>

interface Request {
  rid: number
  command: Asked
  method: string
  path: string
  body: string
  /** How many servers were tried. */
  tried: number
}

interface Context {
  config: ClientConfig
  dataDir: string
  servers: string[]
  /** The server tried first. */
  current: number
  token: string | null
  nextRid: number
  request: Request | null
  /** The checker's request in flight. */
  checking: number | null
  backlog: string[]
}

type Event = StdinEvent | Delivered<HttpResponseMessage> | UnreachableEvent | { type: 'command'; command: Command }

const line = (event: Event): string => (event.type === 'stdin' ? event.line : '')
const server = (context: Context): string => context.servers[context.current % context.servers.length] as string

function requestFor(context: Context, command: Asked, rid: number): Request | string {
  const base = { rid, command, tried: 0 }
  if (command.kind === 'auth') return { ...base, method: 'POST', path: '/auth', body: JSON.stringify({ login: context.config.login, password: context.config.password }) }
  if (command.kind === 'get') return { ...base, method: 'GET', path: `/db/${command.db}/${command.keys.join('&')}`, body: '' }
  let text = command.value
  if (command.file) {
    try {
      text = readFileSync(join(context.dataDir, command.value), 'utf8')
    } catch {
      return `set: cannot read the file '${command.value}' in the client's directory`
    }
  }
  if (command.raw) return { ...base, method: 'PUT', path: `/db/${command.db}/${command.key}`, body: JSON.stringify(text) }
  try {
    JSON.parse(text)
  } catch {
    return `set: the value of ${command.key} is not JSON (use -r to store it as a string)`
  }
  return { ...base, method: 'PUT', path: `/db/${command.db}/${command.key}`, body: text }
}

/** What the console prints for an answer. */
function show(context: Context, request: Request, response: Delivered<HttpResponseMessage>): { lines: string[]; token?: string } {
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(response.body) as Record<string, unknown>
  } catch {
    // Not JSON: shown by its status alone.
  }
  const { command } = request
  const failed = (): string[] => [`error ${response.status}: ${typeof body.error === 'string' ? body.error : 'no reason given'}`]
  if (command.kind === 'auth') {
    if (response.status !== 200 || typeof body.token !== 'string') return { lines: response.status === 401 ? ['auth failed: wrong login or password'] : failed() }
    return { lines: [`authorized at ${response.from}`], token: body.token }
  }
  if (command.kind === 'set') return { lines: response.status === 201 || response.status === 200 ? [`OK ${command.db} ${command.key}`] : failed() }
  if (response.status !== 200 && response.status !== 404) return { lines: failed() }
  const values = (typeof body.values === 'object' && body.values !== null ? body.values : {}) as Record<string, unknown>
  if (command.file) {
    const name = `${command.db}.json`
    writeFileSync(join(context.dataDir, name), JSON.stringify({ values, missing: command.keys.filter((k) => !(k in values)) }, null, 2))
    return { lines: [`saved ${name}: ${Object.keys(values).length} found, ${command.keys.filter((k) => !(k in values)).length} missing`] }
  }
  return { lines: command.keys.map((key) => (key in values ? `${key} = ${command.raw && typeof values[key] === 'string' ? values[key] : JSON.stringify(values[key])}` : `${key}: not found`)) }
}

export const clientMachine = setup({
  types: { input: {} as NodeInput<ClientConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  delays: { answer: TIMING.clientTimeoutMs, check: TIMING.checkerMs },
  guards: {
    isBlank: ({ event }) => line(event).trim() === '',
    isCommandLine: ({ event }) => !('problem' in parseCommand(line(event))),
    isExit: ({ event }) => event.type === 'command' && event.command.kind === 'exit',
    needsToken: ({ context, event }) => event.type === 'command' && event.command.kind !== 'auth' && context.token === null,
    answersRequest: ({ context, event }) => event.type === 'HTTP_RESPONSE' && event.rid === context.request?.rid,
    requestLost: ({ context, event }) => event.type === 'net.unreachable' && (event.message as { rid?: number }).rid === context.request?.rid,
    moreServers: ({ context }) => (context.request?.tried ?? 0) + 1 < context.servers.length,
    answersCheck: ({ context, event }) => event.type === 'HTTP_RESPONSE' && event.rid === context.checking && event.status === 200,
  },
  actions: {
    readBacklog: enqueueActions(({ context, enqueue }) => {
      const [next, ...rest] = context.backlog
      if (next === undefined) return
      enqueue.assign({ backlog: rest })
      enqueue.raise({ type: 'stdin', line: next })
    }),
    buffer: assign({ backlog: ({ context, event }) => [...context.backlog, line(event)] }),
    raiseCommand: enqueueActions(({ event, enqueue }) => {
      const parsed = parseCommand(line(event))
      if (!('problem' in parsed)) enqueue.raise({ type: 'command', command: parsed })
    }),
    complain: enqueueActions(({ event, enqueue }) => {
      const parsed = parseCommand(line(event))
      if ('problem' in parsed) enqueue.emit(print(parsed.problem))
    }),
    sayBye: enqueueActions(({ enqueue }) => enqueue.emit(print('bye'))),
    needAuth: enqueueActions(({ enqueue }) => enqueue.emit(print('not authorized: run auth first'))),
    prepare: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'command' || event.command.kind === 'exit') return
      const request = requestFor(context, event.command, context.nextRid)
      if (typeof request === 'string') return enqueue.emit(print(request))
      enqueue.assign({ request, nextRid: context.nextRid + 1 })
    }),
    sendRequest: enqueueActions(({ context, enqueue }) => {
      const request = context.request
      if (!request) return
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (context.token !== null && request.command.kind !== 'auth') headers.authorization = `Bearer ${context.token}`
      enqueue.emit(send(server(context), httpRequest(request.rid, request.method, request.path, { headers, body: request.body }), { unreachable: true }))
    }),
    /** The next server, with a new request number (a late answer from the last one is ignored). */
    nextServer: assign(({ context }) => ({
      current: context.current + 1,
      nextRid: context.nextRid + 1,
      request: context.request ? { ...context.request, rid: context.nextRid, tried: context.request.tried + 1 } : null,
    })),
    giveUp: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(print(`error: no server answered (tried ${context.servers.join(', ')})`))
      enqueue.assign({ request: null })
    }),
    showAnswer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_RESPONSE' || !context.request) return
      const shown = show(context, context.request, event)
      for (const text of shown.lines) enqueue.emit(print(text))
      if (shown.token) enqueue.assign({ token: shown.token, current: context.servers.indexOf(event.from) >= 0 ? context.servers.indexOf(event.from) : context.current })
      enqueue.assign({ request: null })
    }),
    askMembers: enqueueActions(({ context, enqueue }) => {
      if (context.token === null) return
      enqueue.assign({ checking: context.nextRid, nextRid: context.nextRid + 1 })
      enqueue.emit(send(server(context), httpRequest(context.nextRid, 'GET', '/cluster/members', { headers: { authorization: `Bearer ${context.token}` } })))
    }),
    takeMembers: assign(({ context, event }) => {
      if (event.type !== 'HTTP_RESPONSE') return {}
      let members: unknown
      try {
        members = (JSON.parse(event.body) as { members?: unknown }).members
      } catch {
        return { checking: null }
      }
      if (!Array.isArray(members) || members.length === 0 || !members.every((m) => typeof m === 'string')) return { checking: null }
      const at = server(context)
      const servers = members as string[]
      return { checking: null, servers, current: Math.max(0, servers.indexOf(at)) }
    }),
  },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ config: input.config, dataDir: input.dataDir, servers: [...input.config.servers], current: 0, token: null, nextRid: 1, request: null, checking: null, backlog: [] }),
  initial: 'running',
  states: {
    running: {
      type: 'parallel',
      on: { HTTP_RESPONSE: { guard: 'answersCheck', actions: 'takeMembers' } },
      states: {
        console: {
          initial: 'ready',
          states: {
            ready: {
              entry: 'readBacklog',
              on: {
                stdin: [
                  { guard: 'isBlank', actions: 'readBacklog' },
                  { guard: 'isCommandLine', actions: 'raiseCommand' },
                  { actions: ['complain', 'readBacklog'] },
                ],
                command: [
                  { guard: 'isExit', target: '#client.exited', actions: 'sayBye' },
                  { guard: 'needsToken', actions: ['needAuth', 'readBacklog'] },
                  { target: 'asking', actions: 'prepare' },
                ],
              },
            },
            asking: {
              always: { guard: ({ context }) => context.request === null, target: 'ready' },
              entry: 'sendRequest',
              on: {
                stdin: { actions: 'buffer' },
                HTTP_RESPONSE: { guard: 'answersRequest', target: 'ready', actions: 'showAnswer' },
                'net.unreachable': { guard: 'requestLost', target: 'trying' },
              },
              after: { answer: 'trying' },
            },
            trying: {
              always: [{ guard: 'moreServers', target: 'asking', actions: 'nextServer' }, { target: 'ready', actions: 'giveUp' }],
            },
          },
        },
        checker: {
          initial: 'waiting',
          states: { waiting: { after: { check: { target: 'waiting', reenter: true, actions: 'askMembers' } } } },
        },
      },
    },
    exited: { type: 'final' },
  },
})

export default defineNode({ machine: clientMachine, title: 'http-store client' })
