// Main-thread side, without a worker: a node's NodeHost run in the main thread. The baseline the
// benchmark compares workers against, and a second implementation that determinism tests hold the
// worker one to. Like a worker, each node incarnation gets its own instance of its module (imported
// under its own URL, with the node's seeded globals in place) and messages are cloned as between
// threads. Unlike a worker, the global setTimeout is not virtual and promise callbacks run after
// the batch with the real Math.random and Date: node code that relies on either is unsupported in
// every mode. A module loads with its node's globals installed across an await, so no main-thread
// code may draw Math.random meanwhile (see endWorker in WarmWorkers.ts for the one that did).
import { DistlabError } from '../errors.ts'
import { isNodeDefinition } from '../node/defineNode.ts'
import { NodeHost } from './NodeHost.ts'
import type { HostInit, NodeSnapshot, StepReply, StepRequest, TornWrite } from './protocol.ts'
import type { HostHandle } from './HostHandle.ts'

/** Inline modules load one at a time: a module's top-level code must see its own node's globals. */
let loading: Promise<unknown> = Promise.resolve()

export class InlineHost implements HostHandle {
  private constructor(private readonly host: NodeHost) {}

  static create(init: HostInit, moduleUrl: string, options: { shareModules?: boolean } = {}): Promise<InlineHost> {
    const created = loading.then(() => InlineHost.load(init, moduleUrl, options.shareModules === true))
    loading = created.catch(() => {})
    return created
  }

  private static async load(init: HostInit, moduleUrl: string, shared: boolean): Promise<InlineHost> {
    const host = new NodeHost(init)
    const url = shared ? moduleUrl : `${moduleUrl}?node=${encodeURIComponent(init.name)}&incarnation=${init.incarnation}&seed=${init.seed}`
    host.globals.install()
    let exported: unknown
    try {
      exported = (await import(url)).default
    } finally {
      host.globals.restore()
    }
    if (!isNodeDefinition(exported)) throw new DistlabError('NODE_LOAD', 'the default export is not a node; export `defineNode({ machine })` from distlab/node')
    host.load(exported)
    return new InlineHost(host)
  }

  async step(request: StepRequest): Promise<StepReply> {
    const items = request.items.map((item) => (item.kind === 'deliver' ? { ...item, msg: structuredClone(item.msg) } : item))
    this.host.globals.install()
    this.host.writes?.install()
    try {
      const reply = this.host.step({ items, until: request.until })
      this.host.appendStrays(reply)
      for (const entry of reply.entries) {
        for (const effect of entry.effects) if (effect.kind === 'send') effect.msg = structuredClone(effect.msg)
      }
      return reply
    } finally {
      this.host.writes?.restore()
      this.host.globals.restore()
    }
  }

  async inspect(): Promise<NodeSnapshot> {
    return structuredClone(this.host.snapshot())
  }

  async tear(write: TornWrite, cut: number): Promise<void> {
    this.host.writes?.tear(write, cut)
  }

  async terminate(): Promise<void> {}

  async retire(): Promise<void> {}
}
