// A client living in the network: graders and scenarios talk to nodes through it, so it can be
// partitioned like anything else. `call` resolves with the first message the target sends back
// (that `match` accepts), in virtual time; calls to the same node are answered oldest first.
import { CallTimeout } from '../errors.ts'
import { CLUSTER_DEFAULTS } from './options.ts'
import type { Delivered, Message } from '../node/types.ts'
import type { Endpoint } from './Endpoint.ts'
import type { ClientReceiver } from './queueItems.ts'
import type { Simulation } from './Simulation.ts'
import { Waiter } from './Waiter.ts'

export interface CallOptions<R extends Message = Message> {
  /** Virtual ms to wait for the reply (default 1000). */
  timeout?: number
  /** Accept only replies this returns true for; others go to the inbox. */
  match?: (reply: Delivered<R>) => boolean
}

/** Any message; the union lets object literals carry their fields without a cast. */
export type OutgoingMessage = Message | (Message & Record<string, unknown>)

interface PendingCall {
  call: number
  target: Endpoint
  match?: (reply: Delivered<Message>) => boolean
  waiter: Waiter<Delivered<Message>>
}

export class ClientHandle implements ClientReceiver {
  readonly isClient = true
  /** Messages that arrived without a call waiting for them. */
  readonly inbox: Array<Delivered<Message>> = []
  private readonly calls: PendingCall[] = []
  private callIds = 0

  constructor(
    readonly name: string,
    readonly address: string,
    readonly role: string,
    private readonly sim: Simulation,
    private readonly resolveEndpoint: (nameOrAddress: string) => Endpoint,
  ) {}

  /** Sends without waiting for anything. */
  send(to: string, msg: OutgoingMessage): void {
    this.sim.send(this, this.resolveEndpoint(to).address, this.copy(msg))
  }

  call<R extends Message = Message>(to: string, msg: OutgoingMessage, options: CallOptions<R> = {}): Promise<Delivered<R>> {
    const target = this.resolveEndpoint(to)
    const timeout = options.timeout ?? CLUSTER_DEFAULTS.callTimeout
    if (!(typeof timeout === 'number' && timeout > 0)) throw new TypeError(`call(): options.timeout must be a positive number of virtual ms (got ${timeout})`)
    const body = this.copy(msg)
    const call = ++this.callIds
    const waiter = new Waiter<Delivered<Message>>(`${this.name}'s call ${msg.type} to ${target.name}`)
    const pending: PendingCall = { call, target, match: options.match as PendingCall['match'], waiter }
    this.calls.push(pending)
    this.sim.send(this, target.address, body, { call })
    waiter.deadline = this.sim.at(this.sim.now + timeout, () => {
      this.forget(pending)
      this.sim.trace({ t: this.sim.now, node: this.name, kind: 'timeout', call, to: target.name, type: msg.type })
      this.sim.waits.expire(waiter, new CallTimeout(`${this.name}: ${msg.type} to ${target.name} got no reply within ${timeout} ms (virtual)`))
    })
    return this.sim.waits.wait(waiter) as Promise<Delivered<R>>
  }

  receive(from: Endpoint, msg: Message, id: number): void {
    const delivered = { ...msg, from: from.address }
    const pending = this.calls.find((c) => c.target === from && this.accepts(c, delivered))
    if (pending) {
      this.forget(pending)
      this.sim.trace({ t: this.sim.now, node: this.name, kind: 'reply', id, call: pending.call, from: from.name, msg })
      this.sim.waits.resolveWaiter(pending.waiter, delivered)
    } else {
      this.sim.trace({ t: this.sim.now, node: this.name, kind: 'deliver', id, from: from.name, msg })
      this.inbox.push(delivered)
    }
  }

  /** A driver's message, as the network would carry it: a copy, so later edits do not leak in. */
  private copy(msg: OutgoingMessage): Message {
    if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string') throw new TypeError(`${this.name}: a message must be an object with a string \`type\``)
    try {
      return structuredClone(msg)
    } catch (err) {
      throw new TypeError(`${this.name}: message '${msg.type}' cannot be sent: it is not plain data (${err instanceof Error ? err.message : String(err)})`)
    }
  }

  /** Whether a call takes this reply; a `match` that throws fails that call, not the run. */
  private accepts(pending: PendingCall, reply: Delivered<Message>): boolean {
    if (!pending.match) return true
    try {
      return pending.match(reply)
    } catch (err) {
      this.forget(pending)
      this.sim.waits.expire(pending.waiter, err instanceof Error ? err : new Error(String(err)))
      return false
    }
  }

  private forget(pending: PendingCall): void {
    const index = this.calls.indexOf(pending)
    if (index >= 0) this.calls.splice(index, 1)
  }
}
