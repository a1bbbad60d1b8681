// A machine never touches sockets, consoles or clocks. It emits effects with xstate's `emit`, and
// the runtime performs them:
//
//   emit(({ context, event }) => send(context.leader, { type: 'PUT', key: event.key, ... }))
//   emit(({ event }) => reply(event, { type: 'PUT_OK', ts }))
//   emit(({ context }) => print(`REPLICATION key:${context.key}`))
//
// Declare `emitted: {} as NodeEffect` in the machine's `setup({ types })`.
import type { Address, Delivered, Message } from './types.ts'

export interface SendEffect {
  type: 'net.send'
  to: Address
  message: Message
  /** Hand the message's ArrayBuffers over instead of copying them; the node must not reuse them. */
  transfer?: boolean
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

export type NodeEffect = SendEffect | PrintEffect | PromptEffect

export function send<M extends Message>(to: Address, message: M, options: { transfer?: boolean } = {}): SendEffect {
  return options.transfer ? { type: 'net.send', to, message, transfer: true } : { type: 'net.send', to, message }
}

/** Send to whoever sent `event`. */
export function reply<M extends Message>(event: Delivered<Message>, message: M, options: { transfer?: boolean } = {}): SendEffect {
  return send(event.from, message, options)
}

export function print(line: string): PrintEffect {
  return { type: 'console.print', line }
}

export function prompt(text: string): PromptEffect {
  return { type: 'console.prompt', text }
}

export const EFFECT_TYPES: ReadonlySet<string> = new Set(['net.send', 'console.print', 'console.prompt'])

/**
 * `send` and `reply` narrowed to one protocol, so a misspelled type or field is a compile error:
 * `const { send, reply } = protocolOf<LeaderKvMessage>()`.
 */
export function protocolOf<M extends Message>(): {
  send(to: Address, message: M, options?: { transfer?: boolean }): SendEffect
  reply(event: Delivered<Message>, message: M, options?: { transfer?: boolean }): SendEffect
} {
  return { send, reply }
}
