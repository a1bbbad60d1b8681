// Byte messages as bare UDP datagrams: a node sends `{ type: 'datagram', data }` and exactly `data`
// goes on the wire, from its own socket (so the receiver sees the sender's address); a datagram
// that arrives becomes `{ type: 'datagram', data }` from the address it came from.
import { createSocket, type Socket } from 'node:dgram'
import type { Message } from '../node/types.ts'
import type { Endpoint } from '../sim/Endpoint.ts'
import { splitAddress, type Transport, type TransportEvents } from './Transport.ts'

/** The biggest UDP payload over IPv4. */
export const MAX_DATAGRAM = 65_507

export class UdpTransport implements Transport {
  readonly kind = 'udp'
  private readonly sockets = new Map<string, Socket>()

  constructor(private readonly events: TransportEvents) {}

  open(endpoint: Endpoint, host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: 'udp4', reuseAddr: false })
      socket.once('error', reject)
      socket.bind(port, host, () => {
        socket.off('error', reject)
        socket.on('error', (err) => this.events.problem(endpoint.name, `UDP socket: ${err.message}`))
        socket.on('message', (data, from) => this.events.arrived(endpoint, `${from.address}:${from.port}`, { type: 'datagram', data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) } as Message))
        this.sockets.set(endpoint.name, socket)
        const bound = socket.address()
        resolve(`${bound.address}:${bound.port}`)
      })
    })
  }

  unsendable(msg: Message): string | null {
    const data = (msg as { data?: unknown }).data
    if (msg.type !== 'datagram' || !(data instanceof Uint8Array)) return `real mode over UDP carries datagrams only: send { type: 'datagram', data: Uint8Array } (got a '${msg.type}' message)`
    if (data.length > MAX_DATAGRAM) return `a datagram of ${data.length} bytes is over UDP's limit of ${MAX_DATAGRAM}`
    return null
  }

  write(from: Endpoint, to: string, msg: Message): boolean {
    const socket = this.sockets.get(from.name)
    const target = splitAddress(to)
    if (!socket || !target) return false
    const data = (msg as unknown as { data: Uint8Array }).data
    socket.send(data, target.port, target.host)
    return true
  }

  async close(): Promise<void> {
    const closing = [...this.sockets.values()].map((socket) => new Promise<void>((resolve) => socket.close(() => resolve())))
    this.sockets.clear()
    await Promise.all(closing)
  }
}
