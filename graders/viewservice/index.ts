// The viewservice grader, 10 points: the course's coordinator test as twelve steps plus the rule
// that an uninitialized server never becomes master, each a test that replays the steps before
// it (checking their views too), and bad input. Subtle rules weigh 1 point, the others 0.5.
import type { ErrorReply, ViewReply } from '../../assignments/viewservice/messages.ts'
import { CheckFailed } from '../harness/CheckFailed.ts'
import { defineGrader, type GraderTest } from '../harness/defineGrader.ts'
import { STEPS } from './steps.ts'
import { ViewScript } from './ViewScript.ts'

const chained: GraderTest[] = STEPS.map((step, index) => ({
  name: step.name,
  title: step.title,
  points: step.points,
  async run(t) {
    const script = await ViewScript.start(t)
    for (const [i, earlier] of STEPS.slice(0, index).entries()) {
      try {
        await earlier.run(script)
      } catch (err) {
        if (!(err instanceof CheckFailed)) throw err
        throw new CheckFailed(`step ${i + 1} (${earlier.name}), which this test builds on, failed: ${err.sentence}`, err.detail)
      }
    }
    await step.run(script)
    await step.also?.(t)
  },
}))

export default defineGrader({
  assignment: 'viewservice',
  tests: [
    ...chained,
    {
      name: 'bad-input',
      title: 'malformed and unknown requests get an ERROR reply, and the coordinator goes on',
      points: 0.5,
      async run(t) {
        const script = await ViewScript.start(t)
        const g = script.cluster.client('g')
        for (const bad of [{ type: 'PING', viewnum: -1, name: 's1' }, { type: 'PING', viewnum: 0 }, { type: 'PING', viewnum: 'one', name: 's1' }, { type: 'RESET_EVERYTHING' }]) {
          const answer = await g.call<ErrorReply>('vs', bad, { timeout: 100 })
          t.check(answer.type === 'ERROR' && typeof answer.reason === 'string' && answer.reason.length > 0, `${JSON.stringify(bad)} is answered with ERROR and a reason`, `got ${JSON.stringify(answer)}`)
        }
        // The first view may be made in the ping's answer or at the next tick (rule 1 says not when).
        let view = await g.call<ViewReply>('vs', { type: 'PING', viewnum: 0, name: 's1' }, { timeout: 100 })
        for (let tick = 0; tick < 2 && view.type === 'VIEW' && view.master !== 's1'; tick++) {
          await script.cluster.sleep(100)
          view = await g.call<ViewReply>('vs', { type: 'PING', viewnum: 0, name: 's1' }, { timeout: 100 })
        }
        t.equal([view.type, view.master, view.number], ['VIEW', 's1', 1], 'after bad input, a good PING still works (s1 becomes master of view 1)')
      },
    },
  ],
})
