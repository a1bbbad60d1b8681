// What real mode needs from a socket transport: open a socket for an endpoint, write a message
// from one endpoint to a real address, and hear what arrives. UDP (UdpTransport) carries byte
// messages as bare datagrams; TCP (TcpTransport) carries object messages in frames (frames.ts);
// XML-RPC (XmlRpcTransport) makes calls; HTTP (HttpTransport) carries HTTP request and response messages.
// Only the runtime holds these sockets: node code reaches them through its send effects.
import type { Message } from '../node/types.ts'
import type { Endpoint } from '../sim/Endpoint.ts'

export type TransportKind = 'udp' | 'tcp' | 'xmlrpc' | 'http'

export interface TransportEvents {
  /** A message reached `to`'s socket from the real address `from` (`127.0.0.1:port`). */
  arrived(to: Endpoint, from: string, msg: Message): void
  /** Nobody listens at `to` (a connect was refused): `msg` was not delivered. */
  refused(from: Endpoint, to: string, msg: Message): void
  /** Something a person should know (a malformed frame from outside, a socket error). */
  problem(endpoint: string, text: string): void
}

export interface Transport {
  readonly kind: TransportKind
  /** Binds `endpoint`'s socket at `host:port` (0: any free port); resolves with the real address. */
  open(endpoint: Endpoint, host: string, port: number): Promise<string>
  /** Why this message cannot travel on this transport, or null if it can (checked at send time). */
  unsendable(msg: Message): string | null
  /**
   * Writes `msg` from `from`'s socket to the real address `to`; false if it was not sent at all, or
   * if nothing will arrive at `to` as a message for it (HTTP's pieces of a streamed body).
   */
  write(from: Endpoint, to: string, msg: Message): boolean
  /**
   * The runtime lost `msg` on its way (a fault): a transport that pairs answers with calls (XML-RPC)
   * lets the call it would have answered fail, as a lost response does.
   */
  lost?(from: Endpoint, to: string, msg: Message): void
  /** A message that arrived at `to` was dropped before its node took it (down, partitioned): a call it made fails. */
  undelivered?(to: Endpoint, msg: Message): void
  /** Closes every socket; resolves when they are closed. */
  close(): Promise<void>
}

/** `host:port` split, or null if it is not an IPv4 address with a port. */
export function splitAddress(address: string): { host: string; port: number } | null {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(address)
  if (!match) return null
  const port = Number(match[2])
  return port <= 65535 ? { host: match[1] as string, port } : null
}

/** Whether `address` is on the loopback network (127.0.0.0/8), where real mode may open sockets. */
export function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}
