// Handing one node its share of a step and getting its reply: pending runtime events filled in,
// the reply checked, a throw turned into the node's failure. Apart as the step's only host I/O.
import { NodeFailure } from '../errors.ts'
import type { StepItem, StepReply } from '../host/protocol.ts'
import type { Message } from '../node/types.ts'
import { replyProblem } from './checkReply.ts'
import type { SimNode } from './SimNode.ts'
import type { Waits } from './Waits.ts'

export class HostDispatch {
  /** Runtime events handed to a step before their content exists (pool answers): awaited at dispatch. */
  private readonly awaiting = new WeakMap<StepItem, () => Promise<Message>>()

  constructor(private readonly waits: Pick<Waits, 'stopped'>) {}

  /** A runtime event whose content `compute` is still working out; it is filled in at dispatch. */
  later(item: StepItem & { kind: 'event' }, compute: () => Promise<Message>): StepItem {
    this.awaiting.set(item, compute)
    return item
  }

  async dispatch(node: SimNode, items: StepItem[], until: number): Promise<[SimNode, StepReply | null, NodeFailure?]> {
    if (node.status !== 'up' || !node.ready) return [node, null]
    const incarnation = node.incarnation
    // A driver that crashes a node while its batch is in flight (possible only when the driver
    // awaits something outside the simulation) discards that batch; it does not fail the run.
    const crashed = (): boolean => node.incarnation !== incarnation || node.status !== 'up'
    try {
      const host = node.host ?? (await node.ready)
      await this.resolvePending(items)
      const reply = await host.step({ items, until })
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

  /** Fills in runtime events whose content was still being computed (pool answers). */
  private async resolvePending(items: StepItem[]): Promise<void> {
    const pending: Array<Promise<void>> = []
    for (const item of items) {
      const compute = this.awaiting.get(item)
      if (!compute || item.kind !== 'event') continue
      this.awaiting.delete(item)
      pending.push(compute().then((event) => void (item.event = event)))
    }
    if (pending.length) await Promise.all(pending)
  }
}
