// The HTTP servers of a run's endpoints, for the transports that are HTTP underneath (XML-RPC and
// plain HTTP): one server per endpoint, its bound address, and closing them all at the end (open
// keep-alive connections included, so close() does not wait for idle clients).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Endpoint } from '../sim/Endpoint.ts'

export class HttpServers {
  private readonly servers = new Map<string, { server: Server; address: string }>()

  /** Serves `endpoint` at `host:port` (0: any free port); resolves with the bound address. */
  open(endpoint: Endpoint, host: string, port: number, handle: (req: IncomingMessage, res: ServerResponse) => void, onError?: (err: Error) => void): Promise<string> {
    return new Promise((resolve, reject) => {
      const server = createServer({ keepAlive: true }, handle)
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        if (onError) server.on('error', onError)
        const bound = server.address()
        const address = typeof bound === 'object' && bound ? `${bound.address}:${bound.port}` : `${host}:${port}`
        this.servers.set(endpoint.name, { server, address })
        resolve(address)
      })
    })
  }

  /** The real address `endpoint` is served at, if it is. */
  addressOf(endpoint: Endpoint): string | undefined {
    return this.servers.get(endpoint.name)?.address
  }

  async close(): Promise<void> {
    const closing = [...this.servers.values()].map(({ server }) => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    })
    this.servers.clear()
    await Promise.all(closing)
  }
}
