// The disk emulator as its tests drive it: a real server on an ephemeral 127.0.0.1 port, a clock
// the test moves by hand (so a 202 operation completes exactly when the test says, with no
// waiting), and Node's fetch with a bound on every request. Every server is closed in finally.
//
// Sources the tests cite (docs/disk-emulator.md lists them with what each gave):
//   YADISK   ivknv/yadisk @48b94e43 tests/recorded/sync/<name>.json: real request/response pairs
//   JAVA_SDK yandex-disk/yandex-disk-restapi-java @48ad74c7 disk-restapi-sdk/src/main/java/com/yandex/disk/rest/RestClientIO.java
//   DOCS     https://yandex.com/dev/disk-api/doc/en/reference/<page> (and the older tech.yandex.com copies)
import { startDiskEmulator, type DiskEmulatorServerOptions, type RunningDiskEmulator } from '../../assignments/disk-client/emulator/server.ts'

export const TOKEN = 'emulator-test-token'
/** No request of these tests may take longer; a hang fails the test instead. */
export const BOUND_MS = 5000
/** When the recorded sessions ran (yadisk test_listdir_with_limits.json), as the tests' start time. */
export const START = Date.UTC(2024, 6, 6, 19, 22, 31)

/** A parsed JSON body: tests read its fields directly. */
export type Json = any

export class ManualClock {
  time = START
  readonly now = (): number => this.time
  advance(ms: number): void {
    this.time += ms
  }
}

export interface Answer {
  status: number
  headers: Headers
  text: string
  json: Json
}

export interface CallOptions {
  /** The token to send (default TOKEN); null sends no Authorization header. */
  token?: string | null
  headers?: Record<string, string>
  body?: Uint8Array | string
}

export class Emu {
  constructor(
    readonly running: RunningDiskEmulator,
    readonly clock: ManualClock,
  ) {}

  get url(): string {
    return this.running.url
  }

  /** A request to `target`: a path on the emulator or a link (href) it gave. */
  async call(method: string, target: string, options: CallOptions = {}): Promise<Answer> {
    const token = options.token === undefined ? TOKEN : options.token
    const headers: Record<string, string> = { ...options.headers }
    if (token !== null) headers.authorization = `OAuth ${token}`
    const res = await fetch(target.startsWith('http') ? target : this.url + target, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      signal: AbortSignal.timeout(BOUND_MS),
    })
    const text = await res.text()
    let json: Json
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, text, json }
  }

  /** `/v1/disk/<endpoint>?a=b`, encoded as a client would. */
  api(endpoint: string, params: Record<string, string> = {}): string {
    const query = new URLSearchParams(params).toString()
    return `/v1/disk${endpoint}${query ? `?${query}` : ''}`
  }

  async mkdir(path: string): Promise<void> {
    const answer = await this.call('PUT', this.api('/resources', { path }))
    if (answer.status !== 201) throw new Error(`mkdir ${path}: ${answer.status} ${answer.text}`)
  }

  /** Asks for an upload link and PUTs `bytes` to it; the PUT's answer. */
  async upload(path: string, bytes: Uint8Array | string, overwrite = false): Promise<Answer> {
    const link = await this.call('GET', this.api('/resources/upload', { path, overwrite: String(overwrite) }))
    if (link.status !== 200) throw new Error(`upload link ${path}: ${link.status} ${link.text}`)
    return this.call('PUT', link.json.href, { token: null, body: bytes })
  }

  async download(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
    const link = await this.call('GET', this.api('/resources/download', { path }))
    if (link.status !== 200) throw new Error(`download link ${path}: ${link.status} ${link.text}`)
    const res = await fetch(link.json.href, { headers, signal: AbortSignal.timeout(BOUND_MS) })
    return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) }
  }

  meta(path: string, params: Record<string, string> = {}): Promise<Answer> {
    return this.call('GET', this.api('/resources', { path, ...params }))
  }

  status(href: string): Promise<Answer> {
    return this.call('GET', href)
  }
}

export async function withEmulator<T>(options: Partial<DiskEmulatorServerOptions>, body: (emu: Emu) => Promise<T>): Promise<T> {
  const clock = new ManualClock()
  const running = await startDiskEmulator({ token: TOKEN, now: clock.now, ...options })
  try {
    return await body(new Emu(running, clock))
  } finally {
    await running.close()
  }
}

export const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text)

/** `n` bytes of a repeating, position-dependent pattern (so a misplaced range shows). */
export function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 8)) & 0xff
  return out
}
