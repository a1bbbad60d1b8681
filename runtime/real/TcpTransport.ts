// Object messages over TCP, one frame each (frames.ts). An endpoint listens at its address and
// opens one connection per address it sends to, saying hello first with its listening address.
// A program outside the lab that connects without a hello is known by its connection's address,
// and what is sent to that address goes back on its connection.
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import type { Message } from '../node/types.ts'
import type { Endpoint } from '../sim/Endpoint.ts'
import { FrameReader, HELLO_TYPE, JsonTextReader, MAX_FRAME, decodeMessage, encodeFrame, encodeJsonLine, isHello } from './frames.ts'
import { splitAddress, type Transport, type TransportEvents } from './Transport.ts'

/**
 * Connections the runtime opens at most, all endpoints together: descriptors belong to the whole
 * process, and a node sending to ever new addresses must not starve it (what is over is refused).
 */
export const MAX_CONNECTIONS = 1024
/**
 * Connections accepted and not (yet) known as the run's own (no hello): programs outside the run.
 * Each may buffer a frame of up to 64 MiB; past this many, new ones are closed at once.
 */
export const MAX_STRANGERS = 64

interface Outgoing {
  socket: Socket
  connected: boolean
  /** Messages written before the connection was up: told `refused` if it never comes up. */
  waiting: Message[]
}

export class TcpTransport implements Transport {
  readonly kind = 'tcp'
  private readonly servers = new Map<string, { server: Server; address: string }>()
  /** `endpoint>address` → the connection the endpoint opened to that address. */
  private readonly outgoing = new Map<string, Outgoing>()
  /** `endpoint>address` → a connection an outside program opened to the endpoint. */
  private readonly inbound = new Map<string, Socket>()
  private readonly sockets = new Set<Socket>()
  /** Accepted connections that have not said hello (see MAX_STRANGERS). */
  private readonly strangers = new Set<Socket>()
  /** Connections from outside that speak JSON text rather than frames: answered in JSON text. */
  private readonly jsonText = new WeakSet<Socket>()

  constructor(private readonly events: TransportEvents) {}

  open(endpoint: Endpoint, host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.accept(endpoint, socket))
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        server.on('error', (err) => this.events.problem(endpoint.name, `TCP server: ${err.message}`))
        const bound = server.address()
        const address = typeof bound === 'object' && bound ? `${bound.address}:${bound.port}` : `${host}:${port}`
        this.servers.set(endpoint.name, { server, address })
        resolve(address)
      })
    })
  }

  unsendable(msg: Message): string | null {
    try {
      encodeFrame(msg)
      return null
    } catch (err) {
      return err instanceof Error ? err.message : String(err)
    }
  }

  write(from: Endpoint, to: string, msg: Message): boolean {
    const key = `${from.name}>${to}`
    const open = this.outgoing.get(key)
    if (open) {
      if (open.connected) open.socket.write(encodeFrame(msg))
      else open.waiting.push(msg)
      return true
    }
    const back = this.inbound.get(key)
    if (back && !back.destroyed) {
      back.write(this.jsonText.has(back) ? encodeJsonLine(msg) : encodeFrame(msg))
      return true
    }
    if (this.outgoing.size >= MAX_CONNECTIONS) {
      this.events.problem(from.name, `a message to ${to} was not sent: the run already holds ${MAX_CONNECTIONS} TCP connections`)
      this.events.refused(from, to, msg)
      return false
    }
    this.connect(from, to, key).waiting.push(msg)
    return true
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
    this.outgoing.clear()
    this.inbound.clear()
    const closing = [...this.servers.values()].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve())))
    this.servers.clear()
    await Promise.all(closing)
  }

  private connect(from: Endpoint, to: string, key: string): Outgoing {
    const target = splitAddress(to) as { host: string; port: number }
    const socket = createConnection({ host: target.host, port: target.port })
    const entry: Outgoing = { socket, connected: false, waiting: [] }
    this.outgoing.set(key, entry)
    this.track(socket)
    socket.setNoDelay(true)
    socket.on('connect', () => {
      entry.connected = true
      const self = this.servers.get(from.name)?.address
      if (self) socket.write(encodeFrame({ type: HELLO_TYPE, address: self }))
      for (const msg of entry.waiting.splice(0)) socket.write(encodeFrame(msg))
    })
    // Replies may come back on it too (a program that answers on the connection it was asked on).
    this.read(from, socket, to)
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!entry.connected && (err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET')) {
        for (const msg of entry.waiting.splice(0)) this.events.refused(from, to, msg)
      } else this.events.problem(from.name, `TCP connection to ${to}: ${err.message}`)
    })
    socket.on('close', () => {
      if (this.outgoing.get(key) === entry) this.outgoing.delete(key)
    })
    return entry
  }

  private accept(endpoint: Endpoint, socket: Socket): void {
    if (this.strangers.size >= MAX_STRANGERS) {
      this.events.problem(endpoint.name, `a connection from ${socket.remoteAddress}:${socket.remotePort} was closed: ${MAX_STRANGERS} connections from outside the run are open already`)
      socket.destroy()
      return
    }
    this.strangers.add(socket)
    socket.on('close', () => this.strangers.delete(socket))
    this.track(socket)
    socket.setNoDelay(true)
    const remote = `${socket.remoteAddress}:${socket.remotePort}`
    const key = `${endpoint.name}>${remote}`
    this.inbound.set(key, socket)
    socket.on('error', () => {})
    socket.on('close', () => {
      if (this.inbound.get(key) === socket) this.inbound.delete(key)
    })
    this.read(endpoint, socket, remote, true)
  }

  /**
   * Frames from `socket` arrive at `endpoint`, from `peer` (or the address its hello names). A
   * connection from outside whose first byte is `{` speaks JSON text instead (frames.ts).
   */
  private read(endpoint: Endpoint, socket: Socket, peer: string, mayBeText = false): void {
    let reader: FrameReader | JsonTextReader | null = mayBeText ? null : new FrameReader()
    let from = peer
    let first = true
    socket.on('data', (chunk: Buffer) => {
      if (!reader) {
        const text = chunk.toString('utf8').trimStart().startsWith('{')
        if (text) this.jsonText.add(socket)
        reader = text ? new JsonTextReader() : new FrameReader()
      }
      for (const body of reader.push(chunk)) {
        const msg = decodeMessage(body)
        if (!msg) {
          this.events.problem(endpoint.name, `a frame from ${from} that is not a JSON message with a string "type" (ignored)`)
          continue
        }
        if (first && isHello(msg)) {
          from = msg.address
          this.strangers.delete(socket)
        }
        else if (!isHello(msg)) this.events.arrived(endpoint, from, msg)
        first = false
      }
      if (reader.error) {
        this.events.problem(endpoint.name, `connection from ${from} closed: ${reader.error} (send frames, a 4-byte big-endian length then at most ${MAX_FRAME >> 20} MiB of JSON, or JSON objects as text)`)
        socket.destroy()
      }
    })
  }

  private track(socket: Socket): void {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
  }
}
