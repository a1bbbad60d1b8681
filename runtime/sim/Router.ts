// Routing a message from any endpoint: the network's verdict (drop, or arrival times), the queue
// items it becomes, and buffers handed over once. Apart from the step loop, which only delivers.
import { transferablesOf } from '../host/transferables.ts'
import { messageSize } from '../network/Bandwidth.ts'
import type { DropReason, Network } from '../network/SimNetwork.ts'
import type { Message } from '../node/types.ts'
import { binaryAsSize } from '../trace/TraceFile.ts'
import type { Tracer } from '../trace/Tracer.ts'
import type { RealSockets } from '../real/RealSockets.ts'
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
  /**
   * Real mode: messages whose sender wants to hear if nobody is there, by `sender>address`, until
   * they arrive (the incarnation rides with the delivery) or the connection is refused (a notice).
   */
  private readonly notifyOf = new Map<string, Array<{ id: number; incarnation: number }>>()

  constructor(
    private readonly sim: Pick<Simulation, 'now' | 'stats' | 'nextSeq' | 'enqueue' | 'enqueueMain'>,
    private readonly network: Network,
    private readonly tracer: Tracer,
    private readonly directory: Directory,
    private readonly events: RuntimeEvents,
    /** Real mode: the sockets that carry what the network lets through (null in sim). */
    private readonly real: RealSockets | null = null,
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
    if (this.real && (to || this.real.reachesOutside(toAddress))) {
      const why = this.real.unsendable(msg)
      if (why) {
        this.drop(id, from, toName, msg, 'unsendable')
        this.tracer.emit({ t: now, node: from.name, kind: 'log', level: 'warn', text: why })
        return id
      }
    }
    if (!to) {
      if (this.real?.reachesOutside(toAddress)) {
        if (notify !== undefined) this.rememberNotify(from, toAddress, id, notify)
        this.real.carry(from, toAddress, msg, id, [0])
        return id
      }
      this.drop(id, from, toName, msg, 'no route')
      if (notify !== undefined) this.events.notifyUnreachable(from as SimNode, notify, toAddress, id, msg, transfer)
      return id
    }
    if (this.real) {
      const route = this.network.route(from, to, now, () => messageSize(msg))
      if (route.drop) {
        this.drop(id, from, to.name, msg, route.drop)
        this.real.lost(from, to, msg)
      } else {
        if (notify !== undefined) this.rememberNotify(from, toAddress, id, notify)
        this.real.carry(from, to, msg, id, route.arrivals.map((t) => t - now))
      }
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

  /**
   * Real mode: a message reached `to`'s socket at wall time `t` (`id` null: from outside the lab).
   * It is queued like a simulated arrival, so partitions, down nodes and clients are handled alike.
   */
  arrive(t: number, to: Endpoint, from: Endpoint, msg: Message, id: number | null): void {
    const msgId = id ?? ++this.msgIds
    const queue = id === null ? undefined : this.notifyOf.get(`${from.name}>${to.address}`)
    const index = queue?.findIndex((n) => n.id === id) ?? -1
    const notify = index >= 0 ? queue?.splice(index, 1)[0]?.incarnation : undefined
    if (to.isClient) this.sim.enqueueMain({ t, seq: this.sim.nextSeq(), kind: 'deliver', to: to as ClientReceiver, from, id: msgId, msg })
    else this.sim.enqueue({ t, seq: this.sim.nextSeq(), kind: 'deliver', node: to as SimNode, from, id: msgId, msg, transfer: false, notify })
  }

  /** Real mode: nobody listens at `toAddress`; the sender hears so if it asked. */
  refused(from: Endpoint, toAddress: string, msg: Message): void {
    const asked = this.notifyOf.get(`${from.name}>${toAddress}`)?.shift()
    this.drop(asked?.id ?? 0, from, toAddress, msg, 'node down')
    if (asked && isNode(from)) this.events.notifyUnreachable(from, asked.incarnation, toAddress, asked.id, msg, false)
  }

  private rememberNotify(from: Endpoint, toAddress: string, id: number, incarnation: number): void {
    const key = `${from.name}>${toAddress}`
    const queue = this.notifyOf.get(key) ?? this.notifyOf.set(key, []).get(key)
    queue?.push({ id, incarnation })
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
