// `npm run node -- reliable-udp socket --address 127.0.0.1:PORT` gives the socket's application a
// console: every message received is printed, and a typed line `sendto IP:PORT text` sends one.
import type { AppHandle } from '../../runtime/index.ts'
import type { AppResult } from './messages.ts'

export interface AppConsole {
  /** Starts serving the application: keeps a recvfrom waiting, printing what comes. */
  start(app: AppHandle, write: (line: string) => void): void
  /** A line typed at the console. */
  line(app: AppHandle, text: string, write: (line: string) => void): void
}

const HELP = 'type: sendto IP:PORT some text'

export const socketConsole: AppConsole = {
  start(app, write) {
    const next = (): void => {
      app.call<AppResult>({ type: 'recvfrom' }, { timeout: 2 ** 31 - 1 }).then(
        (result) => {
          if (result.type === 'received') write(`received from ${result.from}: ${new TextDecoder().decode(result.data)}`)
          next()
        },
        () => {}, // the node stopped
      )
    }
    next()
    write(HELP)
  },
  line(app, text, write) {
    const match = /^sendto\s+(\S+)\s+(.*)$/.exec(text.trim())
    if (!match) return write(HELP)
    const [, to, body] = match as unknown as [string, string, string]
    app.call<AppResult>({ type: 'sendto', to, data: new TextEncoder().encode(body) }, { timeout: 60_000 }).then(
      (result) => write(result.type === 'error' ? `error: ${result.reason}` : `${result.type} ${'id' in result ? result.id : ''}`.trim()),
      (err: Error) => write(`error: ${err.message}`),
    )
  },
}
