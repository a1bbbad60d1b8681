// An http-store server (reference). Read it as a statechart:
//
//   recovering ──(log read back, torn tail cut)──▶ serving
//   serving, in parallel:
//     http        each request is routed (routes.ts) and checked (tokens.ts), then raised as a
//                 named event: req.auth, req.set, req.get, req.join, req.replicate, req.lookup, ...
//     durability  clean ──record appended──▶ dirty ──after `sync`: fdatasync, then say what
//                 waited for it (answers, propagations)──▶ clean             (group commit)
//     heartbeat   every `ping`: members silent too long leave the list, every known node is
//                 pinged, writes not yet acknowledged by a member are sent again
//
// A GET for keys this node lacks spawns a `chain` machine (chain.ts) that asks the next node; what
// comes back is cached here on its way to the caller. spec.md has the rules and why.
import { assign, enqueueActions, setup } from 'xstate'
import { defineNode, print, type NodeEffect, type NodeInput } from 'distlab/node'
import { TIMING, type ServerConfig } from 'distlab/protocol/http-store'
import { chainMachine } from './chain.ts'
import { Data } from './data.ts'
import { memberList, silent, type Members } from './members.ts'
import { NODE_ROUTES, OPEN_ROUTES, isRefusal, route } from './routes.ts'
import { tick, witness, ZERO } from './stamps.ts'
import { StoreLog } from './storeLog.ts'
import { admit, answer, call, CALLS_FORGOTTEN_AFTER_MS, finish, keep, line, membersIn, omit, propagate, read, say, type Context, type Event, type RouteEvent } from './steps.ts'
import { checkToken, isNodeLogin, issueToken, nodeLogin } from './tokens.ts'

export const serverMachine = setup({
  types: { input: {} as NodeInput<ServerConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actors: { chain: chainMachine },
  delays: { sync: TIMING.syncMs, ping: TIMING.pingMs },
  guards: {
    isMkcluster: ({ event }) => /^mkcluster\s+\S+$/.test(line(event)),
    isMembers: ({ event }) => line(event) === 'members',
    answersPing: ({ context, event }) => event.type === 'HTTP_RESPONSE' && context.calls[event.rid]?.kind === 'ping' && event.status === 200,
    answersReplicate: ({ context, event }) => event.type === 'HTTP_RESPONSE' && context.calls[event.rid]?.kind === 'replicate' && event.status === 200,
    answersJoin: ({ context, event }) => event.type === 'HTTP_RESPONSE' && context.calls[event.rid]?.kind === 'join',
    answersChain: ({ context, event }) => event.type === 'HTTP_RESPONSE' && context.calls[event.rid]?.kind === 'chain',
  },
  actions: {
    recover: enqueueActions(({ context, enqueue }) => {
      const { log, records, cut } = StoreLog.open(context.dataDir)
      const members: Members = {}
      let clock = ZERO
      for (const record of records) {
        if (record.op === 'member') members[record.address] = { seen: Date.now(), up: true }
        else if (context.data.apply(record.db, record.key, { value: record.value, stamp: record.stamp })) clock = witness(clock, record.stamp)
      }
      enqueue.assign({ log, members, clock })
      enqueue.emit(print(`store.log: ${records.length} records recovered${cut > 0 ? `, a torn tail of ${cut} bytes cut off` : ''}`))
    }),
    /** A restarted node tells every member it is back; a configured one joins its cluster. */
    greet: enqueueActions(({ context, enqueue }) => {
      let rid = context.nextRid
      for (const to of Object.keys(context.members)) enqueue.emit(call(enqueue, rid++, to, 'POST', '/internal/announce', context.token, { address: context.address }, { kind: 'announce', to, at: Date.now() }))
      if (context.config.join) enqueue.emit(call(enqueue, rid++, context.config.join, 'POST', '/cluster/join', context.token, { address: context.address }, { kind: 'join', to: context.config.join, at: Date.now() }))
    }),
    routeRequest: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_REQUEST') return
      const routed = route(event)
      if (isRefusal(routed)) return answer(context, enqueue, event.from, event.rid, routed.status, { error: routed.error }, routed.headers)
      if (!OPEN_ROUTES.has(routed.kind)) {
        const checked = checkToken(event.headers.authorization, context.config.secret)
        if (!checked.ok) return answer(context, enqueue, event.from, event.rid, checked.status, { error: checked.error }, checked.status === 401 ? { 'www-authenticate': 'Bearer' } : {})
        if (NODE_ROUTES.has(routed.kind) && !isNodeLogin(checked.login)) return answer(context, enqueue, event.from, event.rid, 403, { error: `only the servers of this cluster call ${event.path.split('?')[0]}` })
      }
      enqueue.raise({ type: `req.${routed.kind}`, from: event.from, rid: event.rid, route: routed } as RouteEvent)
    }),
    issueToken: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'req.auth') return
      const { login, password } = event.route
      const ok = !login.includes(':') && Object.hasOwn(context.config.users, login) && context.config.users[login] === password
      if (!ok) return answer(context, enqueue, event.from, event.rid, 401, { error: 'wrong login or password' }, { 'www-authenticate': 'Bearer' })
      answer(context, enqueue, event.from, event.rid, 200, { token: issueToken(context.config.cluster, context.config.secret, login) })
    }),
    /** A client's write: stamped, logged, answered after the sync, then propagated once to every member. */
    storeWrite: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'req.set') return
      const { db, key, value } = event.route
      const stamp = tick(context.clock, Date.now(), context.address)
      keep(context, enqueue, db, key, value, stamp)
      answer(context, enqueue, event.from, event.rid, 201, { db, key })
      propagate(context, enqueue, { db, key, value, stamp })
    }),
    storeReplica: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'req.replicate') return
      const { db, key, value, stamp } = event.route
      const kept = keep(context, enqueue, db, key, value, stamp)
      answer(context, enqueue, event.from, event.rid, 200, { kept })
    }),
    startRead: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'req.get') return
      read(context, enqueue, { replyTo: event.from, rid: event.rid, kind: 'client', db: event.route.db, keys: event.route.keys }, [], TIMING.readBudgetMs)
    }),
    continueChain: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'req.lookup') return
      const { db, keys, path, budget } = event.route
      read(context, enqueue, { replyTo: event.from, rid: event.rid, kind: 'hop', db, keys }, path, budget)
    }),
    forwardToChain: enqueueActions(({ context, event, enqueue }) => {
      const called = event.type === 'HTTP_RESPONSE' ? context.calls[event.rid] : undefined
      if (called?.kind === 'chain' && event.type === 'HTTP_RESPONSE') enqueue.sendTo(called.child, event)
    }),
    finishRead: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'chain.done') return
      enqueue.assign({ calls: ({ context }) => omit(context.calls, event.rid) })
      finish(context, enqueue, event.origin, event.found)
    }),
    answerMembers: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'req.members') answer(context, enqueue, event.from, event.rid, 200, { members: memberList(context.address, context.members) })
    }),
    answerHealth: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'req.health') answer(context, enqueue, event.from, event.rid, 200, { ok: true, node: context.address })
    }),
    /** A node joins through this one: it is admitted, announced to every member, and told the members. */
    admitJoiner: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'req.join') return
      const joiner = event.route.address
      let rid = context.nextRid
      for (const to of Object.keys(context.members)) {
        if (to !== joiner) enqueue.emit(call(enqueue, rid++, to, 'POST', '/internal/announce', context.token, { address: joiner }, { kind: 'announce', to, at: Date.now() }))
      }
      admit(context, enqueue, joiner)
      answer(context, enqueue, event.from, event.rid, 200, { members: memberList(context.address, { ...context.members, [joiner]: { seen: Date.now(), up: true } }) })
    }),
    admitAnnounced: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'req.announce') return
      admit(context, enqueue, event.route.address)
      answer(context, enqueue, event.from, event.rid, 200, { members: memberList(context.address, context.members) })
    }),
    takeMembers: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_RESPONSE') return
      const called = context.calls[event.rid]
      enqueue.assign({ calls: ({ context }) => omit(context.calls, event.rid) })
      const members = membersIn(event.body)
      if (event.status !== 200 || !members) return enqueue.emit(print(`mkcluster: ${called && 'to' in called ? called.to : 'the node'} answered ${event.status}`))
      for (const address of members) admit(context, enqueue, address)
      enqueue.emit(print(`joined the cluster: members ${members.join(', ')}`))
    }),
    askToJoin: enqueueActions(({ context, event, enqueue }) => {
      const to = line(event).split(/\s+/)[1] as string
      enqueue.emit(call(enqueue, context.nextRid, to, 'POST', '/cluster/join', context.token, { address: context.address }, { kind: 'join', to, at: Date.now() }))
    }),
    printMembers: enqueueActions(({ context, enqueue }) => enqueue.emit(print(`members: ${memberList(context.address, context.members).join(', ')}`))),
    refuseCommand: enqueueActions(({ event, enqueue }) => enqueue.emit(print(`unknown command '${line(event)}'; commands: mkcluster ADDRESS, members`))),
    markSeen: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_RESPONSE') return
      const called = context.calls[event.rid]
      enqueue.assign({ calls: ({ context }) => omit(context.calls, event.rid) })
      if (called && 'to' in called && context.members[called.to]) admit(context, enqueue, called.to)
    }),
    settleReplica: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_RESPONSE') return
      const called = context.calls[event.rid]
      enqueue.assign({ calls: ({ context }) => omit(context.calls, event.rid) })
      if (called?.kind !== 'replicate') return
      const pending = context.outbox[called.to]?.[called.slot]
      if (pending && pending.stamp.t === called.stamp.t && pending.stamp.c === called.stamp.c && pending.stamp.n === called.stamp.n) {
        enqueue.assign({ outbox: ({ context }) => ({ ...context.outbox, [called.to]: omit(context.outbox[called.to] ?? {}, called.slot) }) })
      }
    }),
    forgetCall: assign({ calls: ({ context, event }) => (event.type === 'HTTP_RESPONSE' ? omit(context.calls, event.rid) : context.calls) }),
    syncAndSay: enqueueActions(({ context, enqueue }) => {
      context.log?.sync()
      for (const effect of context.afterSync) enqueue.emit(effect)
      enqueue.assign({ afterSync: [] })
    }),
    dropSilent: enqueueActions(({ context, enqueue }) => {
      const gone = silent(context.members, Date.now())
      if (gone.length === 0) return
      const members = { ...context.members }
      for (const address of gone) {
        members[address] = { seen: members[address]?.seen ?? 0, up: false }
        enqueue.emit(print(`member ${address} left: no answer for ${TIMING.deadAfterMs} ms`))
      }
      enqueue.assign({ members })
    }),
    pingAll: enqueueActions(({ context, enqueue }) => {
      let rid = context.nextRid
      const now = Date.now()
      const calls = Object.fromEntries(Object.entries(context.calls).filter(([, c]) => now - c.at < CALLS_FORGOTTEN_AFTER_MS))
      enqueue.assign({ calls })
      for (const to of Object.keys(context.members)) enqueue.emit(call(enqueue, rid++, to, 'GET', '/health', context.token, undefined, { kind: 'ping', to, at: now }))
    }),
    resendOutbox: enqueueActions(({ context, enqueue }) => {
      let rid = context.nextRid
      for (const [to, slots] of Object.entries(context.outbox)) {
        if (!context.members[to]?.up) continue
        for (const [slot, body] of Object.entries(slots)) say(context, enqueue, call(enqueue, rid++, to, 'POST', '/internal/replicate', context.token, body, { kind: 'replicate', to, at: Date.now(), slot, stamp: body.stamp }))
      }
    }),
  },
}).createMachine({
  id: 'server',
  context: ({ input }) => ({
    name: input.name,
    address: input.address,
    config: input.config,
    dataDir: input.dataDir,
    log: null,
    data: new Data(),
    clock: ZERO,
    members: {},
    token: issueToken(input.config.cluster, input.config.secret, nodeLogin(input.name)),
    nextRid: 1,
    calls: {},
    outbox: {},
    afterSync: [],
  }),
  initial: 'recovering',
  states: {
    recovering: { entry: 'recover', always: { target: 'serving', actions: 'greet' } },
    serving: {
      type: 'parallel',
      states: {
        http: {
          on: {
            HTTP_REQUEST: { actions: 'routeRequest' },
            'req.auth': { actions: 'issueToken' },
            'req.set': { actions: 'storeWrite' },
            'req.get': { actions: 'startRead' },
            'req.members': { actions: 'answerMembers' },
            'req.health': { actions: 'answerHealth' },
            'req.join': { actions: 'admitJoiner' },
            'req.announce': { actions: 'admitAnnounced' },
            'req.replicate': { actions: 'storeReplica' },
            'req.lookup': { actions: 'continueChain' },
            HTTP_RESPONSE: [
              { guard: 'answersChain', actions: 'forwardToChain' },
              { guard: 'answersPing', actions: 'markSeen' },
              { guard: 'answersReplicate', actions: 'settleReplica' },
              { guard: 'answersJoin', actions: 'takeMembers' },
              { actions: 'forgetCall' },
            ],
            'chain.done': { actions: 'finishRead' },
            stdin: [{ guard: 'isMkcluster', actions: 'askToJoin' }, { guard: 'isMembers', actions: 'printMembers' }, { actions: 'refuseCommand' }],
          },
        },
        durability: {
          initial: 'clean',
          states: {
            clean: { on: { 'log.appended': 'dirty' } },
            dirty: { after: { sync: { target: 'clean', actions: 'syncAndSay' } } },
          },
        },
        heartbeat: {
          initial: 'waiting',
          states: { waiting: { after: { ping: { target: 'waiting', reenter: true, actions: ['dropSilent', 'pingAll', 'resendOutbox'] } } } },
        },
      },
    },
  },
})

export default defineNode({ machine: serverMachine, title: 'http-store server' })
