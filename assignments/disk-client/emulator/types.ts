// The shapes that cross the emulator's edge: a request in, a response out, and the two streaming
// handles for file bytes. Nothing here knows about sockets, so the same core serves a real HTTP
// server (server.ts) and, later, a simulated node speaking the runtime's HTTP messages.

/** A request as the runtime's HTTP_REQUEST carries it (runtime/node/http.ts). */
export interface DiskRequest {
  /** `GET`, `PUT`, `POST`, `DELETE` (upper case). */
  method: string
  /** Path and query as on the request line, percent-encoded: `/v1/disk/resources?path=disk%3A%2Fa`. */
  path: string
  /** Header names in lower case. */
  headers: Record<string, string>
}

/** An answer. `delayMs` is latency the fault plan asks for: the adapter waits that long first. */
export interface DiskResponse {
  status: number
  headers: Record<string, string>
  body: string
  delayMs: number
}

/** An upload in progress (PUT to an upload link): bytes are pushed in, never held whole by the caller. */
export interface UploadHandle {
  kind: 'upload'
  delayMs: number
  /** The fault plan cuts this upload's connection once this many body bytes have arrived. */
  resetAfterBytes?: number
  /** Feeds the next piece of the body; an answer means "refuse now" (413, 507): send it and stop reading. */
  write(chunk: Uint8Array): DiskResponse | undefined
  /** The body ended: the file is stored (201), accepted for later (202) or refused. */
  finish(): DiskResponse
  /** The connection broke before the body ended: nothing is stored, the link may be used again. */
  abort(): void
}

/** A download (GET to a download link): the adapter pulls `length` bytes with read(). */
export interface DownloadHandle {
  kind: 'download'
  status: 200 | 206
  /** Includes content-type, content-length and, for 206, content-range. */
  headers: Record<string, string>
  /** Bytes in this answer's body (the range's length for 206). */
  length: number
  delayMs: number
  /** The fault plan cuts the connection once this many body bytes have been sent. */
  resetAfterBytes?: number
  /** `length` bytes at `offset`, both counted from the start of this answer's body. */
  read(offset: number, length: number): Uint8Array
}

/** A folder or a file as the emulator keeps it (times in ms since the epoch of the injected clock). */
export interface DirEntry {
  type: 'dir'
  /** Normalised: `disk:/a/b`, the root is `disk:/`. */
  path: string
  created: number
  modified: number
  resourceId: string
  revision: number
}

export interface FileEntry extends Omit<DirEntry, 'type'> {
  type: 'file'
  size: number
  md5: string
  sha256: string
  mimeType: string
  mediaType: string
  /** The stored bytes' id in the blob store; copies share it (blobs never change once written). */
  blob: string
}

export type Entry = DirEntry | FileEntry
