// A node host run in the main thread: the baseline the benchmark compares workers against, and a
// second implementation that determinism tests hold the worker one to. Messages are cloned as
// they would be between threads; Math.random and Date are swapped in for the length of a batch.
import { DistlabError } from '../errors.ts'
import { isNodeDefinition } from '../node/defineNode.ts'
import { NodeHost } from '../host/NodeHost.ts'
import type { HostInit, NodeSnapshot, StepReply, StepRequest } from '../host/protocol.ts'
import type { HostHandle } from './HostHandle.ts'

export class InlineHost implements HostHandle {
  private constructor(private readonly host: NodeHost) {}

  static async create(init: HostInit, moduleUrl: string): Promise<InlineHost> {
    const host = new NodeHost(init)
    const exported: unknown = (await import(moduleUrl)).default
    if (!isNodeDefinition(exported)) throw new DistlabError('NODE_LOAD', 'the default export is not a node; export `defineNode({ machine })` from distlab/node')
    host.load(exported)
    return new InlineHost(host)
  }

  async step(request: StepRequest): Promise<StepReply> {
    const items = request.items.map((item) => (item.kind === 'deliver' ? { ...item, msg: structuredClone(item.msg) } : item))
    this.host.globals.install()
    try {
      const reply = this.host.step({ items, until: request.until })
      for (const entry of reply.entries) {
        for (const effect of entry.effects) if (effect.kind === 'send') effect.msg = structuredClone(effect.msg)
      }
      return reply
    } finally {
      this.host.globals.restore()
    }
  }

  async inspect(): Promise<NodeSnapshot> {
    return structuredClone(this.host.snapshot())
  }

  terminate(): void {}
}
