// The simulated network: per-link latency, loss, duplication and ordering, decided when a message
// is sent, with draws from the run's seeded generator in the order messages are sent.
import type { Rng } from '../rng.ts'
import { floorMicros, roundMicros } from '../virtualTime.ts'
import { Bandwidth } from './Bandwidth.ts'
import { DEFAULT_LINK, resolveLink, type LinkConfig, type ResolvedLink } from './LinkConfig.ts'
import { LinkRules, type RuleEndpoint } from './LinkRules.ts'

/**
 * `sender down`: the sender crashed while the message still waited on its uplink (bandwidth runs).
 * `unsendable`: real mode's transport cannot carry it (not a datagram over UDP, not JSON over TCP).
 */
export type DropReason = 'loss' | 'partition' | 'no route' | 'node down' | 'sender down' | 'unsendable'

export interface Route {
  /** Set when the message is lost at the sender's side; `arrivals` is then empty. */
  drop: DropReason | null
  /** Virtual arrival times: one, or two for a duplicated message. */
  arrivals: number[]
  /** For each arrival, when its last byte left the sender's uplink (the send time when that is unlimited). */
  departures: number[]
}

/**
 * What the cluster needs from a network. The simulated one decides in virtual time; a real-socket
 * transport (a later mode) would deliver through loopback sockets behind the same verbs.
 */
export interface Network {
  readonly rules: LinkRules
  /** Per-node uplink and downlink capacity. */
  readonly bandwidth: Bandwidth
  /** `size` is asked only when a link on the way has limited bandwidth. */
  route(from: RuleEndpoint, to: RuleEndpoint, now: number, size?: () => number): Route
  /** The shortest latency any link can draw: how far ahead events can be batched safely. */
  lookahead(): number
  configure(patch: LinkConfig): void
  configureLink(from: string, to: string, patch: LinkConfig | null): void
  /** A node crashed at `now`: what still waited on its uplink is not sent, and nothing it sends next waits behind it. */
  senderDown(name: string, now: number): void
}

export class SimNetwork implements Network {
  readonly rules = new LinkRules()
  readonly bandwidth = new Bandwidth()
  private defaults: ResolvedLink
  private readonly overrides = new Map<string, ResolvedLink>()
  private readonly lastArrival = new Map<string, number>()
  private minLatency: number

  constructor(
    config: LinkConfig | undefined,
    private readonly rng: Rng,
  ) {
    this.defaults = resolveLink(DEFAULT_LINK, config, 'network')
    this.minLatency = this.defaults.latencyMin
  }

  configure(patch: LinkConfig): void {
    this.defaults = resolveLink(this.defaults, patch, 'network')
    this.recompute()
  }

  /** Override one direction of one link; `null` returns it to the defaults. */
  configureLink(from: string, to: string, patch: LinkConfig | null): void {
    const key = linkKey(from, to)
    if (patch === null) this.overrides.delete(key)
    else this.overrides.set(key, resolveLink(this.overrides.get(key) ?? this.defaults, patch, `link ${from}→${to}`))
    this.recompute()
  }

  link(from: string, to: string): ResolvedLink {
    return this.overrides.get(linkKey(from, to)) ?? this.defaults
  }

  lookahead(): number {
    return floorMicros(this.minLatency)
  }

  route(from: RuleEndpoint, to: RuleEndpoint, now: number, size?: () => number): Route {
    if (this.rules.blocks(from, to)) return { drop: 'partition', arrivals: [], departures: [] }
    const key = linkKey(from.name, to.name)
    const link = this.overrides.get(key) ?? this.defaults
    if (this.rng.chance(link.loss)) return { drop: 'loss', arrivals: [], departures: [] }
    const copies = this.rng.chance(link.duplicate) ? 2 : 1
    const arrivals: number[] = []
    const departures: number[] = []
    for (let i = 0; i < copies; i++) {
      const latency = this.drawLatency(link)
      const timing = size && this.bandwidth.limited(from.name, to.name) ? this.bandwidth.transfer(from.name, to.name, size(), now, latency) : { at: roundMicros(now + latency), leaves: now }
      // A duplicate is made on the way: it left the sender when the original did.
      departures.push(departures[0] ?? timing.leaves)
      let at = timing.at
      if (!link.reorder) {
        at = Math.max(at, this.lastArrival.get(key) ?? 0)
        this.lastArrival.set(key, at)
      }
      arrivals.push(at)
    }
    return { drop: null, arrivals, departures }
  }

  senderDown(name: string, now: number): void {
    this.bandwidth.releaseUplink(name, now)
    // In-order links keep their order by the last arrival; a lost message no longer holds the next back.
    const prefix = `${name}>`
    for (const [key, at] of this.lastArrival) if (at > now && key.startsWith(prefix)) this.lastArrival.set(key, now)
  }

  private drawLatency(link: ResolvedLink): number {
    if (link.latencyMin === link.latencyMax) return link.latencyMin
    if (Number.isInteger(link.latencyMin) && Number.isInteger(link.latencyMax)) return this.rng.int(link.latencyMin, link.latencyMax)
    return link.latencyMin + (link.latencyMax - link.latencyMin) * this.rng.float()
  }

  private recompute(): void {
    let min = this.defaults.latencyMin
    for (const link of this.overrides.values()) min = Math.min(min, link.latencyMin)
    this.minLatency = min
  }
}

function linkKey(from: string, to: string): string {
  return `${from}>${to}`
}
