// What the grader needs to read and forge datagrams: the seed's format, written out here (not
// imported from the reference, which a student replaces), and the datagrams a run's trace saw.
import { HEADER_BYTES, KIND_ACK, KIND_DATA } from '../../assignments/reliable-udp/messages.ts'
import type { Cluster, TraceRecord } from '../../runtime/index.ts'

export function dataBytes(id: number, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + payload.length)
  bytes[0] = KIND_DATA
  new DataView(bytes.buffer).setUint32(1, id, false)
  bytes.set(payload, HEADER_BYTES)
  return bytes
}

export function ackBytes(id: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES)
  bytes[0] = KIND_ACK
  new DataView(bytes.buffer).setUint32(1, id, false)
  return bytes
}

/** The id in a datagram's header, read big-endian; null if it is too short to have one. */
export function idOf(bytes: Uint8Array): number | null {
  return bytes.length < HEADER_BYTES ? null : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false)
}

export interface Captured {
  from: string
  to: string
  data: Uint8Array
}

/** Every datagram a node or client sent in the run so far (from the trace kept in memory). */
export function sentDatagrams(cluster: Cluster): Captured[] {
  const out: Captured[] = []
  for (const record of cluster.records as readonly TraceRecord[]) {
    if (record.kind !== 'send' && record.kind !== 'call') continue
    const data = (record.msg as { data?: unknown }).data
    if (data instanceof Uint8Array) out.push({ from: record.node, to: record.to, data })
  }
  return out
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ')
export const text = (s: string): Uint8Array => new TextEncoder().encode(s)
export const read = (data: Uint8Array): string => new TextDecoder().decode(data)
