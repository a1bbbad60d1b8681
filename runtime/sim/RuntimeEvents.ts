// Events the runtime itself schedules for a node: pool answers (`pool.hashed`) and unreachable
// notices (`net.unreachable`). Apart because both must land after the window being handled.
import type { PoolJobRequest } from '../host/protocol.ts'
import type { Message } from '../node/types.ts'
import type { Network } from '../network/SimNetwork.ts'
import type { VirtualPool } from '../pool/VirtualPool.ts'
import type { Tracer } from '../trace/Tracer.ts'
import type { NewRecord } from '../trace/records.ts'
import { roundMicros } from '../virtualTime.ts'
import type { SimNode } from './SimNode.ts'
import type { Simulation } from './Simulation.ts'

export interface RuntimeEventOptions {
  /** Virtual ms after which a sender that asked hears that nobody lives at an address. */
  unreachableAfter: number
  /** When pool jobs finish, in virtual time (the hashing itself happens in the node's thread). */
  poolClock: VirtualPool
}

export class RuntimeEvents {
  private poolJobs = 0

  constructor(
    private readonly sim: Pick<Simulation, 'now' | 'nextSeq' | 'enqueue'>,
    private readonly network: Network,
    private readonly tracer: Tracer,
    private readonly options: RuntimeEventOptions,
  ) {}

  /** Tells `sender` (if still that incarnation) that nobody lives at `to`, after the network's delay. */
  notifyUnreachable(sender: SimNode, incarnation: number, to: string, id: number, msg: Message, transfer: boolean): void {
    // Never sooner than the lookahead, so it cannot land inside the window being handled.
    const t = roundMicros(this.sim.now + Math.max(this.options.unreachableAfter, this.network.lookahead()))
    const record: NewRecord = { t, node: sender.name, kind: 'unreachable', id, to, type: msg.type }
    this.sim.enqueue({ t, seq: this.sim.nextSeq(), kind: 'event', node: sender, inc: incarnation, event: { type: 'net.unreachable', to, message: msg } as Message, transfer, record })
  }

  /** Hands a node's hash request to the pool; its answer comes back as a `pool.hashed` event. */
  submitPoolJob(node: SimNode, request: PoolJobRequest): void {
    const now = this.sim.now
    const job = ++this.poolJobs
    const done = this.options.poolClock.finish(now, request.bytes)
    // An answer never lands inside the window being handled (see notifyUnreachable).
    const t = Math.max(done, roundMicros(now + this.network.lookahead()))
    const parts = request.partSize === undefined ? 1 : Math.ceil(request.bytes / request.partSize)
    this.tracer.emit({ t: now, node: node.name, kind: 'pool', job, id: request.id, bytes: request.bytes, parts, at: t })
    // The node's host fills in the digests and the data (host/HashJobs.ts).
    const answer = { type: 'pool.hashed', id: request.id, token: request.token } as Message
    const record: NewRecord = { t, node: node.name, kind: 'pool.done', job, id: request.id }
    this.sim.enqueue({ t, seq: this.sim.nextSeq(), kind: 'event', node, inc: node.incarnation, event: answer, transfer: false, record })
  }
}
