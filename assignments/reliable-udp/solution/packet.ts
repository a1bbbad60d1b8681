// The seed's wire format, byte for byte: kind (0 data, 1 ack), the packet id as 4 bytes
// big-endian, then the payload (data) or nothing (ack).
import { HEADER_BYTES, KIND_ACK, KIND_DATA } from 'distlab/protocol/reliable-udp'

export type Packet = { kind: 'data'; id: number; payload: Uint8Array } | { kind: 'ack'; id: number }

export function dataPacket(id: number, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + payload.length)
  bytes[0] = KIND_DATA
  new DataView(bytes.buffer).setUint32(1, id, false)
  bytes.set(payload, HEADER_BYTES)
  return bytes
}

export function ackPacket(id: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES)
  bytes[0] = KIND_ACK
  new DataView(bytes.buffer).setUint32(1, id, false)
  return bytes
}

/** A datagram read as a packet; null for anything else (too short, unknown kind, an ack with a tail). */
export function parsePacket(bytes: unknown): Packet | null {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES) return null
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false)
  if (bytes[0] === KIND_DATA) return { kind: 'data', id, payload: bytes.slice(HEADER_BYTES) }
  if (bytes[0] === KIND_ACK && bytes.length === HEADER_BYTES) return { kind: 'ack', id }
  return null
}
