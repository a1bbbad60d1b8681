// The application a node serves, on the node's own machine: it hands the node requests as events
// (`{ type: 'sendto', ... }` for a reliable socket) and takes the results the node gives it with
// `toApp(...)`. Not the network: nothing here is lost, delayed or partitioned. Each request gets a
// `request` number; a result that carries it answers that request, others go to the inbox.
import { CallTimeout, DistlabError } from '../errors.ts'
import type { Message } from '../node/types.ts'
import type { OutgoingMessage } from './ClientHandle.ts'
import { CLUSTER_DEFAULTS } from './options.ts'
import type { SimNode } from './SimNode.ts'
import type { Simulation } from './Simulation.ts'
import { Waiter } from './Waiter.ts'

export interface AppCallOptions {
  /** Ms to wait for the result (default 1000; virtual in sim, wall in real mode). */
  timeout?: number
}

export class AppHandle {
  /** Results that answered no pending request, oldest first. */
  readonly inbox: Message[] = []
  private readonly pending = new Map<number, Waiter<Message>>()
  private requests = 0

  constructor(
    private readonly node: SimNode,
    private readonly sim: Simulation,
  ) {
    node.app = (msg) => this.receive(msg)
  }

  /** Hands the node a request now; returns its `request` number. */
  send(request: OutgoingMessage): number {
    if (typeof request !== 'object' || request === null || typeof request.type !== 'string') throw new TypeError(`app(${this.node.name}): a request must be an object with a string \`type\``)
    const number = ++this.requests
    let event: Message
    try {
      event = Object.assign(structuredClone(request) as Message, { request: number })
    } catch (err) {
      throw new TypeError(`app(${this.node.name}): request '${request.type}' is not plain data (${err instanceof Error ? err.message : String(err)})`)
    }
    const node = this.node
    const t = this.sim.now
    this.sim.enqueue({ t, seq: this.sim.nextSeq(), kind: 'event', node, inc: node.incarnation, event, transfer: false, record: { t, node: node.name, kind: 'app.request', msg: event } })
    return number
  }

  /** Hands the node a request and resolves with the result that carries its `request` number. */
  call<R extends Message = Message>(request: OutgoingMessage, options: AppCallOptions = {}): Promise<R & { request: number }> {
    const timeout = options.timeout ?? CLUSTER_DEFAULTS.callTimeout
    if (!(typeof timeout === 'number' && timeout > 0)) throw new TypeError(`app(${this.node.name}).call(): options.timeout must be a positive number of ms (got ${timeout})`)
    if (this.node.status !== 'up' && this.node.status !== 'starting') return Promise.reject(new DistlabError('BAD_INPUT', `node '${this.node.name}' is ${this.node.status}: its application cannot ask it anything`))
    const number = this.send(request)
    const waiter = new Waiter<Message>(`${this.node.name}'s application: ${request.type} (request ${number})`)
    this.pending.set(number, waiter)
    waiter.deadline = this.sim.at(this.sim.now + timeout, () => {
      this.pending.delete(number)
      this.sim.waits.expire(waiter, new CallTimeout(`${this.node.name}: the application's ${request.type} (request ${number}) got no result within ${timeout} ms`))
    })
    return this.sim.waits.wait(waiter) as Promise<R & { request: number }>
  }

  private receive(msg: Message): void {
    const number = (msg as { request?: unknown }).request
    const waiter = typeof number === 'number' ? this.pending.get(number) : undefined
    if (waiter && typeof number === 'number') {
      this.pending.delete(number)
      this.sim.waits.resolveWaiter(waiter, msg)
    } else this.inbox.push(msg)
  }
}
