import type { Message } from '../node/types.ts'
import type { NewRecord } from '../trace/records.ts'
import type { Endpoint } from './Endpoint.ts'
import type { SimNode } from './SimNode.ts'

/** Work for a node's host; ordered by (t, seq). `inc` ties timers and input to one incarnation. */
export type NodeItem =
  | { t: number; seq: number; kind: 'start'; node: SimNode; inc: number }
  | { t: number; seq: number; kind: 'timer'; node: SimNode; inc: number; timer: number; dead: boolean }
  | { t: number; seq: number; kind: 'stdin'; node: SimNode; inc: number; line: string }
  | {
      t: number
      seq: number
      kind: 'deliver'
      node: SimNode
      from: Endpoint
      id: number
      msg: Message
      transfer: boolean
      /** The sending node's incarnation, when it asked to hear that nobody is there. */
      notify?: number
      /**
       * Set when the message waits on its sending node's uplink until `leaves`: lost if that
       * incarnation crashes first (a killed process's unsent bytes never reach the wire).
       */
      queued?: { incarnation: number; leaves: number }
    }
  /** An event from the runtime (net.unreachable, pool.hashed). */
  | { t: number; seq: number; kind: 'event'; node: SimNode; inc: number; event: Message; transfer: boolean; record: NewRecord }

/** Work for the main thread: deliveries to client handles and driver wake-ups. */
export type MainItem =
  | { t: number; seq: number; kind: 'deliver'; to: ClientReceiver; from: Endpoint; id: number; msg: Message; queued?: { incarnation: number; leaves: number } }
  | { t: number; seq: number; kind: 'wake'; fire: () => void; dead: boolean }

export interface ClientReceiver extends Endpoint {
  receive(from: Endpoint, msg: Message, id: number): void
}

export function byKey(a: { t: number; seq: number }, b: { t: number; seq: number }): number {
  return a.t - b.t || a.seq - b.seq
}
