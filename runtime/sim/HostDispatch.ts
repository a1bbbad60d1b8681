// Handing one node its share of a step and getting its reply: the reply checked, a throw turned
// into the node's failure. Apart as the step's only host I/O.
import { NodeFailure } from '../errors.ts'
import { monotonicMs } from '../host/monotonic.ts'
import type { StepItem, StepReply } from '../host/protocol.ts'
import type { StepTiming } from './Simulation.ts'
import { replyProblem } from './checkReply.ts'
import type { SimNode } from './SimNode.ts'
import type { Waits } from './Waits.ts'

export class HostDispatch {
  /** `timing`: where a benchmark's hand-off times are added up (Cluster's timing option). */
  constructor(
    private readonly waits: Pick<Waits, 'stopped'>,
    private readonly timing: StepTiming | null = null,
  ) {}

  async dispatch(node: SimNode, items: StepItem[], until: number): Promise<[SimNode, StepReply | null, NodeFailure?]> {
    if (node.status !== 'up' || !node.ready) return [node, null]
    const incarnation = node.incarnation
    // A driver that crashes a node while its batch is in flight (possible only when the driver
    // awaits something outside the simulation) discards that batch; it does not fail the run.
    const crashed = (): boolean => node.incarnation !== incarnation || node.status !== 'up'
    try {
      const host = node.host ?? (await node.ready)
      const timing = this.timing
      const posting = timing ? performance.now() : 0
      const sentAt = timing ? monotonicMs() : 0
      const replied = host.step(timing ? { items, until, stamp: true } : { items, until })
      if (timing) timing.postMs += performance.now() - posting
      const reply = await replied
      if (timing && reply.stamps) {
        const [received, left] = reply.stamps
        timing.handoffs++
        timing.toNodeMs += received - sentAt
        timing.inNodeMs += left - received
        timing.backMs += monotonicMs() - left
      }
      const problem = replyProblem(reply, items, until)
      if (problem) {
        throw new NodeFailure('NODE_FAILED', node.name, `node '${node.name}' answered the runtime with a malformed reply (${problem}); node code must not post on the worker's port or patch the runtime`)
      }
      return [node, crashed() ? null : reply]
    } catch (err) {
      if (crashed() || this.waits.stopped) return [node, null]
      const message = err instanceof Error ? err.message : String(err)
      const first = items[0]
      const failure = err instanceof NodeFailure ? err : new NodeFailure('NODE_FAILED', node.name, message, first ? [first.t, first.seq] : undefined)
      return [node, null, failure]
    }
  }
}
