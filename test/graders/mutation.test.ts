// Mutation testing of graders (graders/mutation): mutants are read off the reference's
// statecharts, each applies one change, and the runner tells killed from surviving mutants.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findAssignment } from '../../assignments/registry.ts'
import { applyMutation } from '../../graders/mutation/applyMutation.ts'
import { planMutants, runMutation } from '../../graders/mutation/runMutation.ts'
import type { NodeDefinition } from '../../runtime/node/defineNode.ts'

const test = suite('mutation')
const leaderKv = findAssignment('leader-kv')

test('mutants cover guards, actions, assigned fields, delays and targets, each with a sentence', async () => {
  const plans = await planMutants(leaderKv)
  const slugs = new Set(plans.map((p) => p.slug))
  for (const slug of ['server.guard-fresh-true', 'server.guard-fresh-false', 'server.drop-answerPut', 'server.keep-recordAck-current', 'client.drop-buffer', 'server.target-leader.replicating-the_eventless_transition-replicating']) {
    assert.ok(slugs.has(slug), `${slug} is derived`)
  }
  assert.equal(plans.find((p) => p.slug === 'server.guard-fresh-true')?.description, "server: guard 'fresh' always true")
  const coordinator = await planMutants(findAssignment('viewservice'))
  assert.ok(coordinator.some((p) => p.slug === 'coordinator.delay-tick-half'))
})

test('a redirected target rebuilds the machine with the new target and the same implementations', async () => {
  const reference = (await import('../../assignments/leader-kv/solution/server.ts')).default as NodeDefinition
  const path = ['states', 'leader', 'states', 'replicating', 'always']
  const mutant = applyMutation(reference, { kind: 'target', path, to: 'replicating' })
  const config = mutant.machine.config as { states: { leader: { states: { replicating: { always: { target: string } } } } } }
  assert.is(config.states.leader.states.replicating.always.target, 'replicating')
  assert.is((reference.machine.config as typeof config).states.leader.states.replicating.always.target, 'idle', 'the reference is untouched')
  assert.equal(Object.keys(mutant.machine.implementations.guards), Object.keys(reference.machine.implementations.guards))
})

test('machines a node spawns are mutated too, in place, the parent otherwise the reference', async () => {
  const plans = await planMutants(findAssignment('torrent'))
  const plan = plans.find((p) => p.slug === 'node.peer.guard-mayDial-false')
  assert.ok(plan, 'a guard of the spawned peer machine is derived')
  assert.is(plan.description, "node's peer: guard 'mayDial' always false")
  assert.ok(plans.some((p) => p.slug.startsWith('node.download.')), "the download machine's mutants are derived")
  const reference = (await import('../../assignments/torrent/solution/node.ts')).default as NodeDefinition
  const mutant = applyMutation(reference, plan.mutation)
  type WithActors = { implementations: { actors: Record<string, { implementations: { guards: Record<string, (a: unknown) => boolean> } }>; guards: object } }
  const peerGuard = (m: unknown): ((a: unknown) => boolean) => (m as WithActors).implementations.actors.peer?.implementations.guards.mayDial as (a: unknown) => boolean
  assert.is(peerGuard(mutant.machine)({ context: { mayAsk: true } }), false, "the mutant's peer never dials")
  assert.is(peerGuard(reference.machine)({ context: { mayAsk: true } }), true, 'the reference is untouched')
  assert.equal(Object.keys((mutant.machine as unknown as WithActors).implementations.guards), Object.keys((reference.machine as unknown as WithActors).implementations.guards))
})

test('the runner kills a mutant the grader catches and lists a reviewed equivalent one as such', async () => {
  const report = await runMutation(leaderKv, { only: ['server.guard-fresh-false', 'client.drop-showMenu'], seeds: [1, 2] })
  assert.equal(report.seeds, [1, 2])
  const by = Object.fromEntries(report.outcomes.map((o) => [o.plan.slug, o]))
  assert.is(by['server.guard-fresh-false']?.killed, true)
  assert.is(by['server.guard-fresh-false']?.by.length, 1, 'grading a mutant stops at its first failed test (and seed)')
  assert.is(by['client.drop-showMenu']?.killed, false)
  assert.match(by['client.drop-showMenu']?.equivalent ?? '', /prompts are shown to a person/)
  // A prompt takes no virtual time: the survivor is exactly as fast as the reference.
  assert.is(by['client.drop-showMenu']?.slowdown, 1)
  assert.is(by['server.guard-fresh-false']?.slowdown, undefined, 'only a survivor is timed')
  assert.is(report.score, 1)
  assert.is(report.strictScore, 1)
  assert.is(report.covered, 0)
})

test.run()
