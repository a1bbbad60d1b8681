// The leader-kv console client (reference). A menu of INIT, PUT and GET read line by line from
// the console; each request goes to a server chosen at random; the client keeps its own
// timestamp per key and sends it with every GET. Lines typed while a request is in flight are
// read when it is done, as a console program blocked on its socket would.
import { and, assign, enqueueActions, or, setup } from 'xstate'
import { defineNode, print, prompt, protocolOf, type Address, type Delivered, type NodeEffect, type StdinEvent } from 'distlab/node'
import { DEFAULT_SERVERS, type GetOk, type LeaderKvMessage, type PutOk, type TryOtherServerOrLater } from 'distlab/protocol/leader-kv'

const { send } = protocolOf<LeaderKvMessage>()

interface Request {
  key: string
  value: string
  /** The timestamp sent with a GET: printed as "meu timestamp". */
  ts: number
  server: Address
}

interface Context {
  servers: Address[]
  timestamps: Record<string, number>
  request: Request
  backlog: string[]
}

type Event = StdinEvent | Delivered<PutOk> | Delivered<GetOk> | Delivered<TryOtherServerOrLater>

const ADDRESS = /^[\w.-]+:\d{1,5}$/
const line = (event: Event): string => (event.type === 'stdin' ? event.line.trim() : '')
const choose = (servers: Address[]): Address => servers[Math.floor(Math.random() * servers.length)] as Address

export const clientMachine = setup({
  types: { context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  guards: {
    isInit: ({ event }) => line(event).toUpperCase() === 'INIT',
    isPut: ({ event }) => line(event).toUpperCase() === 'PUT',
    isGet: ({ event }) => line(event).toUpperCase() === 'GET',
    initialized: ({ context }) => context.servers.length === DEFAULT_SERVERS.length,
    lastServer: ({ context }) => context.servers.length === DEFAULT_SERVERS.length - 1,
    validAddress: ({ event }) => line(event) === '' || ADDRESS.test(line(event)),
    hasKey: ({ event }) => line(event) !== '',
  },
  actions: {
    showMenu: enqueueActions(({ enqueue }) => enqueue.emit(prompt('INIT | PUT | GET > '))),
    // Reads the next buffered line, if any, as if it had just been typed.
    readBacklog: enqueueActions(({ context, enqueue }) => {
      const [next, ...rest] = context.backlog
      if (next === undefined) return
      enqueue.assign({ backlog: rest })
      enqueue.raise({ type: 'stdin', line: next })
    }),
    buffer: assign({ backlog: ({ context, event }) => [...context.backlog, event.type === 'stdin' ? event.line : ''] }),
    askServer: enqueueActions(({ context, enqueue }) => {
      const n = context.servers.length
      enqueue.emit(prompt(`server ${n + 1} of ${DEFAULT_SERVERS.length} (IP:port, empty for ${DEFAULT_SERVERS[n]}) > `))
    }),
    addServer: assign({ servers: ({ context, event }) => [...context.servers, line(event) || (DEFAULT_SERVERS[context.servers.length] as Address)] }),
    clearServers: assign({ servers: [] }),
    complain: enqueueActions(({ enqueue, event }) => enqueue.emit(prompt(`'${line(event)}' is not an option`))),
    needInit: enqueueActions(({ enqueue }) => enqueue.emit(prompt('run INIT first'))),
    badAddress: enqueueActions(({ enqueue, event }) => enqueue.emit(prompt(`'${line(event)}' is not IP:port`))),
    askKey: enqueueActions(({ enqueue }) => enqueue.emit(prompt('key > '))),
    askValue: enqueueActions(({ enqueue }) => enqueue.emit(prompt('value > '))),
    setKey: assign({ request: ({ context, event }) => ({ ...context.request, key: line(event) }) }),
    setValue: assign({ request: ({ context, event }) => ({ ...context.request, value: event.type === 'stdin' ? event.line : '' }) }),
    sendPut: enqueueActions(({ context, enqueue }) => {
      const server = choose(context.servers)
      enqueue.assign({ request: { ...context.request, server } })
      enqueue.emit(send(server, { type: 'PUT', key: context.request.key, value: context.request.value }))
    }),
    sendGet: enqueueActions(({ context, enqueue }) => {
      const server = choose(context.servers)
      const ts = context.timestamps[context.request.key] ?? 0
      enqueue.assign({ request: { ...context.request, server, ts } })
      enqueue.emit(send(server, { type: 'GET', key: context.request.key, ts }))
    }),
    showPutOk: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'PUT_OK') return
      enqueue.assign({ timestamps: { ...context.timestamps, [event.key]: Math.max(context.timestamps[event.key] ?? 0, event.ts) } })
      enqueue.emit(print(`PUT_OK key: ${event.key} value ${event.value} timestamp ${event.ts} realizada no servidor ${event.from}`))
    }),
    showGet: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'GET_OK' && event.type !== 'TRY_OTHER_SERVER_OR_LATER') return
      const value = event.type === 'GET_OK' ? (event.value ?? 'NULL') : 'TRY_OTHER_SERVER_OR_LATER'
      if (event.type === 'GET_OK') enqueue.assign({ timestamps: { ...context.timestamps, [event.key]: Math.max(context.timestamps[event.key] ?? 0, event.ts) } })
      enqueue.emit(print(`GET key: ${event.key} value: ${value} obtido do servidor ${event.from}, meu timestamp ${context.request.ts} e do servidor ${event.ts}`))
    }),
  },
}).createMachine({
  id: 'client',
  context: { servers: [], timestamps: {}, request: { key: '', value: '', ts: 0, server: '' }, backlog: [] },
  initial: 'menu',
  states: {
    menu: {
      entry: ['showMenu', 'readBacklog'],
      on: {
        stdin: [
          { guard: 'isInit', target: 'init', actions: 'clearServers' },
          { guard: and(['isPut', 'initialized']), target: 'putKey' },
          { guard: and(['isGet', 'initialized']), target: 'getKey' },
          { guard: or(['isPut', 'isGet']), target: 'menu', reenter: true, actions: 'needInit' },
          { target: 'menu', reenter: true, actions: 'complain' },
        ],
      },
    },
    init: {
      entry: ['askServer', 'readBacklog'],
      on: {
        stdin: [
          { guard: and(['validAddress', 'lastServer']), target: 'menu', actions: 'addServer' },
          { guard: 'validAddress', target: 'init', reenter: true, actions: 'addServer' },
          { target: 'init', reenter: true, actions: 'badAddress' },
        ],
      },
    },
    putKey: {
      entry: ['askKey', 'readBacklog'],
      on: { stdin: [{ guard: 'hasKey', target: 'putValue', actions: 'setKey' }, { target: 'putKey', reenter: true }] },
    },
    putValue: {
      entry: ['askValue', 'readBacklog'],
      on: { stdin: { target: 'putting', actions: 'setValue' } },
    },
    putting: {
      entry: 'sendPut',
      on: { PUT_OK: { target: 'menu', actions: 'showPutOk' }, stdin: { actions: 'buffer' } },
    },
    getKey: {
      entry: ['askKey', 'readBacklog'],
      on: { stdin: [{ guard: 'hasKey', target: 'getting', actions: 'setKey' }, { target: 'getKey', reenter: true }] },
    },
    getting: {
      entry: 'sendGet',
      on: {
        GET_OK: { target: 'menu', actions: 'showGet' },
        TRY_OTHER_SERVER_OR_LATER: { target: 'menu', actions: 'showGet' },
        stdin: { actions: 'buffer' },
      },
    },
  },
})

export default defineNode({ machine: clientMachine, title: 'leader-kv client' })
