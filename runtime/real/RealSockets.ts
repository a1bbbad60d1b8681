// Real mode's network: every endpoint (node or client) gets a loopback socket, every message the
// router lets through is written on it, and what sockets receive comes back as arrivals. Faults
// are applied on the way, by the runtime, before a byte is written: the router asks the same
// seeded link model as in sim whether a message is lost, duplicated or delayed (a delay holds the
// write back; reordering follows from delays), and partitions and blocks are checked when it is
// sent and when it arrives. This is the proxy between endpoints that docs/real-mode.md describes.
//
// Endpoints keep their logical addresses (`s1`, `10.0.9.3`, `127.0.0.1:10097`): nodes see those,
// and this class maps them to the sockets' real `127.0.0.1:port` addresses both ways. A program
// outside the lab is known by its real address.
//
// A bare IPv4 address `a.b.c.d` (the torrent swarm's) is served at `127.b.c.d` on one port the
// whole run shares: the run's /24 is a real loopback /24, so a node that probes `a.b.c.7` where
// nobody lives really connects to 127.b.c.7 and is really refused.
import type { Message } from '../node/types.ts'
import type { Endpoint } from '../sim/Endpoint.ts'
import { HttpTransport } from './HttpTransport.ts'
import { TcpTransport } from './TcpTransport.ts'
import { isLoopback, splitAddress, type Transport, type TransportEvents, type TransportKind } from './Transport.ts'
import { UdpTransport } from './UdpTransport.ts'
import { XmlRpcTransport } from './XmlRpcTransport.ts'
import type { RpcMap } from './rpcMap.ts'
import { WallClock } from './WallClock.ts'

export interface RealOptions {
  /** 'udp' for byte-message assignments, 'tcp' (default) for object messages, 'xmlrpc' for calls, 'http' for HTTP messages. */
  transport: TransportKind
  /** For 'xmlrpc': which message is which method (the assignment's wire map). */
  rpc?: RpcMap
  /**
   * 'ephemeral' (default): every endpoint gets a free port on 127.0.0.1, whatever its address.
   * 'as-given': an endpoint whose address is `127.x.y.z:port` is bound exactly there (to talk
   * with programs that know that address); the others still get a free port.
   */
  ports: 'ephemeral' | 'as-given'
}

/** Where arrivals, refusals and problems go (the router, and the trace). */
export interface RealSink {
  /** `id` is the message id of the send it came from, or null for a message from outside the lab. */
  arrive(to: Endpoint, from: Endpoint, msg: Message, id: number | null): void
  refused(from: Endpoint, toAddress: string, msg: Message): void
  problem(endpoint: string, text: string): void
}

export interface OpenedSocket {
  name: string
  address: string
  real: string
}

export class RealSockets {
  readonly clock = new WallClock()
  private readonly transport: Transport
  private readonly realOf = new Map<string, string>()
  private readonly endpointAt = new Map<string, Endpoint>()
  private readonly bound = new Map<string, Promise<void>>()
  private readonly strangers = new Map<string, Endpoint>()
  private readonly held = new Set<NodeJS.Timeout>()
  /** `from>real`: messages written and not yet arrived, with their ids, oldest first. */
  private readonly written = new Map<string, Array<{ id: number; msg: Message }>>()
  /** The port every bare-IPv4 endpoint of the run listens on (chosen by the first one bound). */
  private subnetPort: number | null = null
  private closed = false

  constructor(
    readonly options: RealOptions,
    private readonly sink: RealSink,
  ) {
    const events = {
      arrived: (to: Endpoint, from: string, msg: Message) => this.arrived(to, from, msg),
      refused: (from: Endpoint, to: string, msg: Message) => {
        // It will not arrive: its id must not be given to the next message on that link.
        const ids = this.written.get(`${from.name}>${to}`)
        const index = ids?.findIndex((w) => w.msg === msg) ?? -1
        if (index >= 0) ids?.splice(index, 1)
        this.sink.refused(from, this.logical(to), msg)
      },
      problem: (endpoint: string, text: string) => this.sink.problem(endpoint, text),
    }
    if (options.transport === 'xmlrpc' && !options.rpc) throw new Error("transport 'xmlrpc' needs the assignment's rpc map (which message is which method)")
    this.transport = transportOf(options, events)
  }

  get kind(): TransportKind {
    return this.transport.kind
  }

  /** Opens `endpoint`'s socket (once); resolves when it is bound. */
  open(endpoint: Endpoint): Promise<void> {
    const existing = this.bound.get(endpoint.name)
    if (existing) return existing
    const given = splitAddress(endpoint.address)
    const exact = this.options.ports === 'as-given' && given !== null && isLoopback(given.host)
    const subnetHost = loopbackHostOf(endpoint.address)
    const [host, port] = subnetHost ? [subnetHost, this.subnetPort ?? 0] : exact ? [given.host, given.port] : ['127.0.0.1', 0]
    // Bare IPv4 endpoints bind one after another: the first picks the run's port, the rest take it.
    const previous = subnetHost ? Promise.all([...this.bound.values()].map((b) => b.catch(() => {}))) : Promise.resolve()
    const opening = previous.then(() => this.transport.open(endpoint, host, subnetHost ? (this.subnetPort ?? 0) : port)).then(
      (real) => {
        this.realOf.set(endpoint.name, real)
        this.endpointAt.set(real, endpoint)
        if (subnetHost && this.subnetPort === null) this.subnetPort = (splitAddress(real) as { port: number }).port
      },
      (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'that port is in use (another run, or another program); stop it or choose another port' : err.message
        throw new Error(`cannot open a ${this.transport.kind.toUpperCase()} socket for '${endpoint.name}' at ${exact ? endpoint.address : '127.0.0.1'}: ${why}`)
      },
    )
    this.bound.set(endpoint.name, opening)
    return opening
  }

  /** Every socket opened: for the lab to print, and for the trace's meta record. */
  opened(): OpenedSocket[] {
    return [...this.realOf].map(([name, real]) => ({ name, address: (this.endpointAt.get(real) as Endpoint).address, real }))
  }

  /** Whether a message to an address no endpoint has can go out: a loopback `host:port`, or a bare IPv4 of the run's /24s. */
  reachesOutside(address: string): boolean {
    if (this.outsideReal(address)) return true
    const split = splitAddress(address)
    return split !== null && isLoopback(split.host)
  }

  /** A bare IPv4 nobody in the run has, where it would live: 127.b.c.d on the run's port. */
  private outsideReal(address: string): string | null {
    const host = loopbackHostOf(address)
    return host && this.subnetPort !== null ? `${host}:${this.subnetPort}` : null
  }

  unsendable(msg: Message): string | null {
    return this.transport.unsendable(msg)
  }

  /**
   * Writes `msg` from `from` to `to` (an endpoint, or an outside address) once per delay, each
   * after that many ms: the link model's latency (0 on a plain link), so copies can overtake.
   */
  carry(from: Endpoint, to: Endpoint | string, msg: Message, id: number, delays: number[]): void {
    if (typeof to === 'string' && this.outsideReal(to)) this.probed.add(to)
    for (const delay of delays) {
      const write = (): void => {
        if (this.closed) return
        const real = typeof to === 'string' ? (this.outsideReal(to) ?? to) : this.realOf.get(to.name)
        if (!real) return
        const key = `${from.name}>${real}`
        if (this.transport.write(from, real, msg) && typeof to !== 'string') (this.written.get(key) ?? this.written.set(key, []).get(key))?.push({ id, msg })
      }
      const opened = Promise.all([this.open(from), typeof to === 'string' ? undefined : this.open(to)])
      if (delay <= 0) void opened.then(write, () => {})
      else {
        const timer = setTimeout(() => {
          this.held.delete(timer)
          void opened.then(write, () => {})
        }, delay)
        this.held.add(timer)
      }
    }
  }

  /** An arrival at `to` was dropped before its node took it (see Transport.undelivered). */
  undelivered(to: Endpoint, msg: Message): void {
    this.transport.undelivered?.(to, msg)
  }

  /** Bare IPv4 addresses messages went to that no endpoint has (probes): refusals name them. */
  private readonly probed = new Set<string>()

  /** The link model lost `msg` from `from` to `to` before it was written (see Transport.lost). */
  lost(from: Endpoint, to: Endpoint | string, msg: Message): void {
    const real = typeof to === 'string' ? to : this.realOf.get(to.name)
    if (real) this.transport.lost?.(from, real, msg)
  }

  /** Messages held back by a delay, not yet written. */
  get holding(): number {
    return this.held.size
  }

  async close(): Promise<void> {
    this.closed = true
    this.clock.stop()
    for (const timer of this.held) clearTimeout(timer)
    this.held.clear()
    await Promise.allSettled(this.bound.values())
    await this.transport.close()
  }

  private arrived(to: Endpoint, fromReal: string, msg: Message): void {
    if (this.closed) return
    const known = this.endpointAt.get(fromReal)
    const from = known ?? this.stranger(fromReal)
    const ids = known ? this.written.get(`${known.name}>${this.realOf.get(to.name)}`) : undefined
    this.sink.arrive(to, from, msg, ids?.shift()?.id ?? null)
    this.clock.poke()
  }

  private logical(real: string): string {
    const known = this.endpointAt.get(real)?.address
    if (known) return known
    // A refused bare-IPv4 probe: the address the node sent to, not the loopback one.
    const split = splitAddress(real)
    if (split && this.subnetPort === split.port) for (const logical of this.probed) if (loopbackHostOf(logical) === split.host) return logical
    return real
  }

  /** A program outside the lab, by its real address. */
  private stranger(address: string): Endpoint {
    let found = this.strangers.get(address)
    if (!found) this.strangers.set(address, (found = { name: address, address, isClient: true, role: 'outside' }))
    return found
  }
}

function transportOf(options: RealOptions, events: TransportEvents): Transport {
  switch (options.transport) {
    case 'udp':
      return new UdpTransport(events)
    case 'xmlrpc':
      return new XmlRpcTransport(events, options.rpc as RpcMap)
    case 'http':
      return new HttpTransport(events)
    default:
      return new TcpTransport(events)
  }
}

/** `a.b.c.d` (a bare IPv4 address, not itself loopback) → `127.b.c.d`, where real mode serves it; else null. */
function loopbackHostOf(address: string): string | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address)
  if (!m || m[1] === '127') return null
  return `127.${m[2]}.${m[3]}.${m[4]}`
}
