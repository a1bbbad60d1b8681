// The disk-client protocol (seed 000 §2): a console client for the Yandex.Disk REST API. The
// client is a node; its command line and environment come in its config, its local file system is
// its data directory, and it speaks HTTP as the runtime's messages (distlab/node: HTTP_REQUEST,
// HTTP_RESPONSE, and streamed bodies for upload and download). spec.md has the rules; this file
// what a solution, the grader and the scenario share.
export type { HttpRequestMessage, HttpResponseMessage, HttpBodyMessage, HttpBodyAckMessage, HttpAbortMessage } from 'distlab/node'

/** What the client is started with: its command line and the environment variables it may read. */
export interface ClientConfig {
  /** The arguments after the program's name: `['mv', '/file1.txt', '/file2.txt']`. */
  argv: string[]
  /** DISK_TOKEN and DISK_API_URL, when set. */
  env: Record<string, string>
  /** Its output is a terminal: show progress on large transfers (as prompts, which are not output). */
  tty?: boolean
}

/** The real service; the emulator answers at the same name in sim. */
export const DEFAULT_API_URL = 'https://cloud-api.yandex.net'
/** Where the token may be kept instead of DISK_TOKEN: a JSON file `{"token": "..."}` in the client's directory. */
export const CONFIG_FILE = '.disk-client.json'

/** The client's result, for its program: `toApp({ type: 'exit', code })` when it is done. */
export interface ExitResult {
  type: 'exit'
  code: ExitCode
}

/** Exit codes, one per kind of failure (spec.md, "Errors"). */
export const EXIT = {
  ok: 0,
  usage: 1,
  unauthorised: 2,
  notFound: 3,
  exists: 4,
  refused: 5,
  unavailable: 6,
  local: 7,
  corrupted: 8,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** How the client retries 429, 5xx and broken connections, and how long it polls an operation. */
export const RETRY = {
  /** Tries of one request in all (the first and four retries). */
  attempts: 5,
  /** The first back-off; it doubles each retry, up to maxBackoffMs. Retry-After is honoured if longer. */
  backoffMs: 250,
  maxBackoffMs: 4000,
  /** A Retry-After longer than this is not waited for: the client gives up instead. */
  maxRetryAfterMs: 30_000,
  /** An answer that has not come in this long is a broken connection. */
  requestTimeoutMs: 10_000,
  /** An operation (202) is asked about this often, and given up after operationTimeoutMs. */
  pollMs: 500,
  operationTimeoutMs: 120_000,
} as const

/** Bytes per piece of an upload or download (HTTP_BODY). */
export const PIECE_BYTES = 256 * 1024
