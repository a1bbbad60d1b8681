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

test('the runner kills a mutant the grader catches and lists a reviewed equivalent one as such', async () => {
  const report = await runMutation(leaderKv, { only: ['server.guard-fresh-false', 'client.drop-showMenu'] })
  const by = Object.fromEntries(report.outcomes.map((o) => [o.plan.slug, o]))
  assert.is(by['server.guard-fresh-false']?.killed, true)
  assert.ok(by['server.guard-fresh-false']?.by.includes('get-latest'))
  assert.is(by['client.drop-showMenu']?.killed, false)
  assert.match(by['client.drop-showMenu']?.equivalent ?? '', /prompts are shown to a person/)
  assert.is(report.score, 1)
})

test.run()
