// The door for node authors: `import { defineNode, send, print } from 'distlab/node'`.
export { defineNode, isNodeDefinition } from './defineNode.ts'
export type { NodeDefinition } from './defineNode.ts'
export { send, reply, print, prompt, protocolOf } from './effects.ts'
export type { NodeEffect, SendEffect, PrintEffect, PromptEffect } from './effects.ts'
export type { Address, Message, Delivered, StdinEvent, NodeInput } from './types.ts'
