// The door for node authors: `import { defineNode, send, print } from 'distlab/node'`.
export { defineNode, isNodeDefinition } from './defineNode.ts'
export type { NodeDefinition } from './defineNode.ts'
export { send, reply, print, prompt, hash, toApp, protocolOf, HASH_ALGORITHMS } from './effects.ts'
export type { NodeEffect, SendEffect, SendOptions, PrintEffect, PromptEffect, HashEffect, AppEffect, HashAlgorithm, UnreachableEvent, HashedEvent } from './effects.ts'
export type { Address, Message, Delivered, StdinEvent, NodeInput } from './types.ts'
export { ipv4Subnet, subnetAddresses } from './addresses.ts'
export { hashString } from '../hashString.ts'
