import type { TornWrite } from '../host/protocol.ts'
import type { HostHandle } from '../host/HostHandle.ts'
import type { Endpoint } from './Endpoint.ts'
import type { NodeItem } from './queueItems.ts'

export type NodeStatus = 'starting' | 'up' | 'down' | 'failed'

/** The simulation's record of one node across its incarnations. */
export class SimNode implements Endpoint {
  readonly isClient = false
  status: NodeStatus = 'down'
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
  /** Settles when the last incarnation's torn write is undone on disk: the next one waits. */
  tearing: Promise<void> | null = null

  constructor(
    readonly name: string,
    readonly address: string,
    readonly role: string,
    readonly moduleUrl: string,
    readonly config: unknown,
    readonly peers: string[],
    readonly dataDir: string,
  ) {}
}
