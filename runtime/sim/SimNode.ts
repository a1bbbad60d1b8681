import type { TornWrite } from '../host/protocol.ts'
import type { HostHandle } from '../host/HostHandle.ts'
import type { Message } from '../node/types.ts'
import type { Endpoint } from './Endpoint.ts'
import type { NodeItem } from './queueItems.ts'

export type NodeStatus = 'starting' | 'up' | 'down' | 'failed'

/**
 * The simulation's record of one node across its incarnations. It alone changes `status`, through
 * the named transitions below (down → starting → up → down ..., and failed from anywhere), each
 * checking that it is legal: a wrong one is a runtime bug, not something node code can cause.
 */
export class SimNode implements Endpoint {
  readonly isClient = false
  private current: NodeStatus = 'down'
  incarnation = 0
  host: HostHandle | null = null
  /** Settles when the current incarnation's host is ready to take events. */
  ready: Promise<HostHandle> | null = null
  /** Lines the node printed (not prompts), across incarnations: what graders compare. */
  readonly console: string[] = []
  /** Queue items of this incarnation's global timers, to cancel them in place. */
  readonly timers = new Map<number, NodeItem & { kind: 'timer' }>()
  /** This incarnation's last logged write and its virtual time (runs with torn writes only). */
  lastWrite: (TornWrite & { t: number }) | null = null
  /** Writes torn by crashes, across incarnations. */
  tornWrites = 0
  /** Why each of its incarnations that threw or went over a limit went down (nodeErrors 'crash-node'). */
  readonly errors: string[] = []
  /** Where its results for the application go (`cluster.app(name)`); results nobody takes are dropped. */
  app: ((msg: Message) => void) | null = null
  /** Settles when the last incarnation's torn write is undone on disk: the next one waits. */
  tearing: Promise<void> | null = null
  /** When each ended incarnation went down (virtual ms), by incarnation number. */
  private readonly ends: number[] = []

  constructor(
    readonly name: string,
    readonly address: string,
    readonly role: string,
    readonly moduleUrl: string,
    /** input.config of its next incarnation (Cluster.setConfig changes it while the node is down). */
    public config: unknown,
    readonly peers: string[],
    readonly dataDir: string,
  ) {}

  get status(): NodeStatus {
    return this.current
  }

  /** down → starting: a new incarnation, with no timers yet, is being launched. */
  launching(): void {
    this.move('launching', ['down'], 'starting')
    this.incarnation++
    this.timers.clear()
  }

  /** starting → up: its start event is handed to it; from here it takes events. */
  cameUp(): void {
    this.move('coming up', ['starting'], 'up')
  }

  /** starting | up → down at virtual time `t`: crashed (by the driver, or alone for an error); its timers die with it. */
  wentDown(t: number): void {
    this.move('going down', ['starting', 'up'], 'down')
    this.timers.clear()
    this.ends[this.incarnation] = t
  }

  /** Whether `incarnation` went down before virtual time `t`. */
  endedBefore(incarnation: number, t: number): boolean {
    const end = this.ends[incarnation]
    return end !== undefined && end < t
  }

  /** any → failed: it threw, hung or died in a run that ends with it (whatever it was doing then). */
  failed(): void {
    this.move('failing', ['down', 'starting', 'up', 'failed'], 'failed')
  }

  private move(what: string, from: readonly NodeStatus[], to: NodeStatus): void {
    if (!from.includes(this.current)) throw new Error(`internal error: node '${this.name}' is ${this.current}; ${what} (to ${to}) needs it ${from.join(' or ')}`)
    this.current = to
  }
}
