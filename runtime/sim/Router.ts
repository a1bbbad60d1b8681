// Routing a message from any endpoint: the network's verdict (drop, or arrival times), the queue
// items it becomes, and buffers handed over once. Apart from the step loop, which only delivers.
import { transferablesOf } from '../host/transferables.ts'
import { messageSize } from '../network/Bandwidth.ts'
import type { DropReason, Network } from '../network/SimNetwork.ts'
import type { Message } from '../node/types.ts'
import { binaryAsSize } from '../trace/TraceFile.ts'
import type { Tracer } from '../trace/Tracer.ts'
import type { Endpoint } from './Endpoint.ts'
import type { ClientReceiver } from './queueItems.ts'
import type { RuntimeEvents } from './RuntimeEvents.ts'
import type { SimNode } from './SimNode.ts'
import type { Simulation } from './Simulation.ts'

export interface Directory {
  byAddress(address: string): (Endpoint & Partial<ClientReceiver>) | undefined
}

export interface SendOptions {
  /** Hand its buffers over rather than copy them (once per buffer). */
  transfer?: boolean
  /** A client call's number: traced as `call` rather than `send`. */
  call?: number
  /** The sender (a node) wants a `net.unreachable` notice if nobody lives at the address. */
  unreachable?: boolean
}

export class Router {
  private msgIds = 0
  /** Buffers already promised to a transfer. */
  private readonly claimed = new WeakSet<ArrayBuffer>()

  constructor(
    private readonly sim: Pick<Simulation, 'now' | 'stats' | 'nextSeq' | 'enqueue' | 'enqueueMain'>,
    private readonly network: Network,
    private readonly tracer: Tracer,
    private readonly directory: Directory,
    private readonly events: RuntimeEvents,
  ) {}

  /** Sends from any endpoint at the current time; returns the message id used in the trace. */
  send(from: Endpoint, toAddress: string, msg: Message, options: SendOptions = {}): number {
    const now = this.sim.now
    const id = ++this.msgIds
    this.sim.stats.sent++
    const to = this.directory.byAddress(toAddress)
    const toName = to?.name ?? toAddress
    let transfer = options.transfer === true
    if (transfer) {
      // A buffer can be handed over once; a second message carrying it gets a copy, made now,
      // while the buffer is still here.
      const buffers = transferablesOf(msg)
      if (buffers.some((b) => this.claimed.has(b))) {
        msg = structuredClone(msg)
        transfer = false
      } else for (const b of buffers) this.claimed.add(b)
    }
    if (this.tracer.on) {
      const shown = transfer ? sizesOnly(msg) : msg
      if (options.call !== undefined) this.tracer.emit({ t: now, node: from.name, kind: 'call', id, call: options.call, to: toName, msg: shown })
      else this.tracer.emit({ t: now, node: from.name, kind: 'send', id, to: toName, msg: shown })
    }
    // The incarnation a notice goes back to, when the sender wants to hear that nobody is there.
    const notify = options.unreachable && isNode(from) ? from.incarnation : undefined
    if (!to) {
      this.drop(id, from, toName, msg, 'no route')
      if (notify !== undefined) this.events.notifyUnreachable(from as SimNode, notify, toAddress, id, msg, transfer)
      return id
    }
    const route = this.network.route(from, to, now, () => messageSize(msg))
    if (route.drop) {
      this.drop(id, from, to.name, msg, route.drop)
      return id
    }
    route.arrivals.forEach((t, copy) => {
      const body = copy === 0 ? msg : structuredClone(msg)
      const leaves = route.departures[copy] ?? now
      const queued = leaves > now && isNode(from) ? { incarnation: from.incarnation, leaves } : undefined
      if (to.isClient && to.receive) this.sim.enqueueMain({ t, seq: this.sim.nextSeq(), kind: 'deliver', to: to as ClientReceiver, from, id, msg: body, queued })
      else this.sim.enqueue({ t, seq: this.sim.nextSeq(), kind: 'deliver', node: to as SimNode, from, id, msg: body, transfer: transfer && copy === 0, notify, queued })
    })
    return id
  }

  drop(id: number, from: Endpoint, to: string, msg: Message, reason: DropReason): void {
    this.sim.stats.dropped++
    this.tracer.emit({ t: this.sim.now, node: from.name, kind: 'drop', id, from: from.name, to, reason, type: msg.type })
  }
}

/** A message with its bulk data summarized, for trace records of data that is handed over. */
export function sizesOnly(msg: Message): Message {
  return Object.fromEntries(Object.entries(msg).map(([key, value]) => [key, binaryAsSize(key, value)])) as unknown as Message
}

function isNode(endpoint: Endpoint): endpoint is SimNode {
  return !endpoint.isClient && 'incarnation' in endpoint
}
