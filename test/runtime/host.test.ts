// The host's contract with the simulation, without threads: which timers it fires itself
// (those due before `until`), in which order, and what it hands back.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { emit, raise, setup } from 'xstate'
import { NodeHost } from '../../runtime/host/NodeHost.ts'
import type { HostEffect, HostInit, StepReply, StepRequest } from '../../runtime/host/protocol.ts'
import { defineNode, print, type NodeEffect } from '../../runtime/node/index.ts'
import { NODE_LIMITS } from '../../runtime/sim/options.ts'

const test = suite('host')

const machine = setup({
  types: { events: {} as { type: 'GO'; from: string } | { type: 'TICK'; n: number } | { type: 'CANCEL'; from: string }, emitted: {} as NodeEffect },
}).createMachine({
  initial: 'idle',
  states: {
    idle: {
      on: {
        GO: {
          target: 'busy',
          actions: [raise({ type: 'TICK', n: 1 }, { delay: 2 }), raise({ type: 'TICK', n: 0 }, { delay: 0 }), raise({ type: 'TICK', n: 9 }, { delay: 50 })],
        },
      },
    },
    busy: {
      after: { 30: { target: 'idle', actions: emit(() => print('timeout')) } },
      on: { CANCEL: 'idle' },
    },
  },
  on: { TICK: { actions: emit(({ event }) => print(`tick ${event.n} at ${Date.now() % 1000}`)) } },
})

const init: HostInit = { name: 'h', address: 'h', peers: [], config: {}, dataDir: '/tmp', seed: 1, incarnation: 1, trace: 'off', limits: NODE_LIMITS }

/** Steps with the node's virtual globals in place, as the worker and inline hosts do. */
function step(host: NodeHost, request: StepRequest): StepReply {
  host.globals.install()
  try {
    return host.step(request)
  } finally {
    host.globals.restore()
  }
}

function started(): NodeHost {
  const host = new NodeHost(init)
  host.load(defineNode({ machine }))
  step(host, { items: [{ t: 0, seq: 0, kind: 'start' }], until: 0 })
  return host
}

const prints = (effects: HostEffect[]) => effects.flatMap((e) => (e.kind === 'print' ? [e.line] : []))

test('timers due inside the batch fire locally, after same-instant items, in the order they were set', () => {
  const host = started()
  const reply = step(host, {
    items: [
      { t: 10, seq: 5, kind: 'deliver', id: 1, from: 'x', msg: { type: 'GO' } },
      { t: 12, seq: 6, kind: 'deliver', id: 2, from: 'x', msg: { type: 'TICK', n: 7 } as { type: string } },
    ],
    until: 20,
  })
  const lines = reply.entries.map((e) => [e.key, prints(e.effects)])
  assert.equal(lines, [
    [[10, 5], []],
    [[10, Infinity, 10, 5, 1], ['tick 0 at 10']],
    [[12, 6], ['tick 7 at 12']],
    [[12, Infinity, 10, 5, 0], ['tick 1 at 12']],
  ])
  // The 50 ms tick and the 30 ms timeout are due after `until`: handed to the global queue.
  const global = reply.entries[0]?.effects.filter((e) => e.kind === 'timer').map((e) => (e as { at: number }).at)
  assert.equal(global?.sort(), [40, 60])
  assert.is(reply.handled, 4)
})

test('a global timer cancelled before it is due is skipped, and the cancel is reported', () => {
  const host = started()
  const go = step(host, { items: [{ t: 10, seq: 5, kind: 'deliver', id: 1, from: 'x', msg: { type: 'GO' } }], until: 10 })
  const timeout = go.entries[0]?.effects.find((e) => e.kind === 'timer' && e.at === 40) as { timer: number }
  const cancel = step(host, { items: [{ t: 15, seq: 9, kind: 'deliver', id: 2, from: 'x', msg: { type: 'CANCEL' } }], until: 15 })
  assert.ok(cancel.entries[0]?.effects.some((e) => e.kind === 'cancel' && e.timer === timeout.timer))
  const late = step(host, { items: [{ t: 40, seq: 12, kind: 'timer', timer: timeout.timer }], until: 40 })
  assert.is(late.handled, 0)
  assert.equal(late.entries, [])
})

test('Math.random follows the seed and Date.now follows virtual time while the host runs', () => {
  const a = new NodeHost(init)
  const b = new NodeHost(init)
  const c = new NodeHost({ ...init, seed: 2 })
  const draw = (h: NodeHost) => {
    h.globals.install()
    h.clock.now = 1234
    try {
      return [Math.random(), Math.random(), Date.now(), new Date().toISOString()]
    } finally {
      h.globals.restore()
    }
  }
  const first = draw(a)
  assert.equal(first, draw(b))
  assert.not.equal(first.slice(0, 2), draw(c).slice(0, 2))
  assert.is(first[3], '2026-01-01T00:00:01.234Z')
  assert.ok(Date.now() > Date.UTC(2026, 0, 1, 0, 0, 2) || Date.now() < Date.UTC(2026, 0, 1), 'restored afterwards')
})

test.run()
