// The seed's `reliable_socket`, for any TypeScript program: a socket machine (the reference, or a
// student's) running in real mode on a UDP port of this machine, with promises for the seed's
// blocking calls. The machine runs in its own worker, confined; this class only drives it.
//
//   const s = await ReliableSocket.bind(9000)
//   await s.sendto(new TextEncoder().encode('hi'), '127.0.0.1:9001')   // resolves when acknowledged
//   const { data, from } = await s.recvfrom()
//   await s.close()
import { join } from 'node:path'
import { Cluster, REPO_ROOT, type Cluster as ClusterType } from '../../runtime/index.ts'
import { SEND_TIMEOUT_MS, SEND_TIMEOUT_SLACK_MS, type AppResult, type Received } from './messages.ts'

const REFERENCE = join(REPO_ROOT, 'assignments', 'reliable-udp', 'solution', 'socket.ts')
/** How long sendto waits for its socket's answer before it calls the socket broken. */
const ANSWER_WAIT_MS = SEND_TIMEOUT_MS + SEND_TIMEOUT_SLACK_MS + 5000
/** recvfrom waits this long at most per call (about 24 days: setTimeout's limit). */
const FOREVER_MS = 2 ** 31 - 1

/** sendto gave up: no acknowledgement of packet `id` came within the socket's timeout. */
export class SendTimeout extends Error {
  constructor(
    readonly id: number,
    readonly to: string,
  ) {
    super(`no acknowledgement from ${to} for packet ${id} within ${SEND_TIMEOUT_MS / 1000} s`)
    this.name = 'SendTimeout'
  }
}

export interface BindOptions {
  /** A loopback address to bind (default 127.0.0.1). */
  host?: string
  /** The socket machine to run: a module path (default: the reference's socket.ts). */
  module?: string
}

export class ReliableSocket {
  private closed = false
  private readonly serving: Promise<void>

  private constructor(
    private readonly cluster: ClusterType,
    /** The address this socket is bound to, `127.0.0.1:port`. */
    readonly address: string,
  ) {
    // The socket answers datagrams whenever they come, not only while a call is waiting.
    this.serving = cluster.serve()
    this.serving.catch(() => {})
  }

  /** Binds a reliable socket to `port` on loopback (0: any free port; see `address`). */
  static async bind(port: number, options: BindOptions = {}): Promise<ReliableSocket> {
    if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new TypeError(`ReliableSocket.bind(port): port must be an integer from 0 to 65535 (got ${port})`)
    const host = options.host ?? '127.0.0.1'
    const cluster = await Cluster.start({
      mode: 'real',
      transport: 'udp',
      ports: 'as-given',
      nodes: [{ name: 'socket', module: options.module ?? REFERENCE, address: `${host}:${port}`, peers: [] }],
    })
    const bound = cluster.sockets[0]?.real ?? `${host}:${port}`
    return new ReliableSocket(cluster, bound)
  }

  /** Sends `data` to `address` (`ip:port`); resolves with the packet id once acknowledged, rejects with SendTimeout. */
  async sendto(data: Uint8Array, address: string): Promise<number> {
    this.checkOpen()
    const result = await this.cluster.app('socket').call<AppResult>({ type: 'sendto', to: address, data }, { timeout: ANSWER_WAIT_MS })
    if (result.type === 'sent') return result.id
    if (result.type === 'timeout') throw new SendTimeout(result.id, address)
    if (result.type === 'error') throw new Error(`sendto: ${result.reason}`)
    throw new Error(`sendto: the socket answered '${result.type}'`)
  }

  /** The next message, once, with its sender's address; waits as long as it takes. */
  async recvfrom(): Promise<{ data: Uint8Array; from: string }> {
    this.checkOpen()
    const result = await this.cluster.app('socket').call<AppResult>({ type: 'recvfrom' }, { timeout: FOREVER_MS })
    if (result.type !== 'received') throw new Error(`recvfrom: the socket answered '${result.type}'`)
    const { data, from } = result as Received
    return { data, from }
  }

  /** Closes the UDP socket and ends the machine's worker; pending calls reject. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.cluster.stop()
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the socket is closed')
    if (this.cluster.failure) throw new Error(`the socket failed: ${this.cluster.failure.message}`)
  }
}
