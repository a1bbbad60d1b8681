// A machine never touches sockets, consoles or clocks. It emits effects with xstate's `emit`, and
// the runtime performs them:
//
//   emit(({ context, event }) => send(context.leader, { type: 'PUT', key: event.key, ... }))
//   emit(({ event }) => reply(event, { type: 'PUT_OK', ts }))
//   emit(({ context }) => print(`REPLICATION key:${context.key}`))
//   emit(({ context }) => hash('part-7', bytes))           // answered by a `pool.hashed` event
//
// Declare `emitted: {} as NodeEffect` in the machine's `setup({ types })`.
import type { Address, Delivered, Message } from './types.ts'

export interface SendOptions {
  /** Hand the message's ArrayBuffers over instead of copying them; the node must not reuse them. */
  transfer?: boolean
  /**
   * Be told when nobody lives at `to` (no node has that address, or its node is down when the
   * message arrives): a `net.unreachable` event comes back after the network's `unreachableAfter`
   * delay, as a failed TCP connect would. Messages lost to partitions or loss are not reported.
   */
  unreachable?: boolean
}

export interface SendEffect extends SendOptions {
  type: 'net.send'
  to: Address
  message: Message
}

export interface PrintEffect {
  type: 'console.print'
  line: string
}

/** A prompt (`key: `) shown to a person at the console; not part of the graded console output. */
export interface PromptEffect {
  type: 'console.prompt'
  text: string
}

export const HASH_ALGORITHMS = ['sha1', 'sha256', 'md5'] as const
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number]

/**
 * Hash `data`: as one piece, or as consecutive parts of `partSize` bytes (the last may be
 * shorter). The buffer is handed over (detached for the node until the answer) and comes back in
 * the `pool.hashed` event, with the hex digests, after the virtual time a shared pool of hashing
 * threads would take. The hashing itself runs off the node's event path (host/HashJobs.ts).
 */
export interface HashEffect {
  type: 'pool.hash'
  /** The node's own name for the job, echoed in the answer. */
  id: string | number
  data: Uint8Array | ArrayBuffer
  partSize?: number
  algorithm?: HashAlgorithm
}

/**
 * A result for the application the node serves, on the same machine (not over the network): the
 * reliable socket's `sent`, `timeout` or `received`. The application's requests arrive as events
 * (`cluster.app(name)` in a driver; a program's calls in real mode).
 */
export interface AppEffect {
  type: 'app.result'
  message: Message
}

export type NodeEffect = SendEffect | PrintEffect | PromptEffect | HashEffect | AppEffect

// ---- events the runtime delivers (besides messages, console input and timers) ----------------

/** A message sent with `{ unreachable: true }` found nobody at its address. */
export interface UnreachableEvent {
  type: 'net.unreachable'
  to: Address
  message: Message
}

/** The answer to `hash(id, data)`: one digest per part, and the node's buffer back. */
export interface HashedEvent<Data extends Uint8Array | ArrayBuffer = Uint8Array> {
  type: 'pool.hashed'
  id: string | number
  digests: string[]
  data: Data
}

export function send<M extends Message>(to: Address, message: M, options: SendOptions = {}): SendEffect {
  const effect: SendEffect = { type: 'net.send', to, message }
  if (options.transfer) effect.transfer = true
  if (options.unreachable) effect.unreachable = true
  return effect
}

/** Send to whoever sent `event`. */
export function reply<M extends Message>(event: Delivered<Message>, message: M, options: SendOptions = {}): SendEffect {
  return send(event.from, message, options)
}

export function print(line: string): PrintEffect {
  return { type: 'console.print', line }
}

export function prompt(text: string): PromptEffect {
  return { type: 'console.prompt', text }
}

export function hash(id: string | number, data: Uint8Array | ArrayBuffer, options: { partSize?: number; algorithm?: HashAlgorithm } = {}): HashEffect {
  const effect: HashEffect = { type: 'pool.hash', id, data }
  if (options.partSize !== undefined) effect.partSize = options.partSize
  if (options.algorithm !== undefined) effect.algorithm = options.algorithm
  return effect
}

/** Hands `message` (a plain object with a string `type`) to the application the node serves. */
export function toApp<M extends Message>(message: M): AppEffect {
  return { type: 'app.result', message }
}

export const EFFECT_TYPES: ReadonlySet<string> = new Set(['net.send', 'console.print', 'console.prompt', 'pool.hash', 'app.result'])

/**
 * `send` and `reply` narrowed to one protocol, so a misspelled type or field is a compile error:
 * `const { send, reply } = protocolOf<LeaderKvMessage>()`.
 */
export function protocolOf<M extends Message>(): {
  send(to: Address, message: M, options?: SendOptions): SendEffect
  reply(event: Delivered<Message>, message: M, options?: SendOptions): SendEffect
} {
  return { send, reply }
}
