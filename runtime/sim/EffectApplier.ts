// Interpreting what a node asked for (sends, timers, console, pool jobs, writes, trace records) at
// its virtual instant, and a node's failure. Apart from the step loop, which only orders entries.
import { cleanText } from '../cleanText.ts'
import { NodeFailure } from '../errors.ts'
import type { HostEffect } from '../host/protocol.ts'
import type { Tracer } from '../trace/Tracer.ts'
import type { RuntimeEvents } from './RuntimeEvents.ts'
import type { SimNode } from './SimNode.ts'
import type { Simulation } from './Simulation.ts'

export class EffectApplier {
  constructor(
    private readonly sim: Pick<Simulation, 'now' | 'nextSeq' | 'enqueue' | 'send' | 'onNodeFailure' | 'waits'>,
    private readonly tracer: Tracer,
    private readonly events: RuntimeEvents,
  ) {}

  /** Performs a node's effects; false when the node failed (the step stops there). */
  apply(node: SimNode, effects: HostEffect[]): boolean {
    const t = this.sim.now
    // A node may print a token in the same event it sends it: its messages' secrets are learned first.
    if (this.tracer.hidesSecrets) for (const effect of effects) if (effect.kind === 'send' || effect.kind === 'app') this.tracer.learn(effect.msg)
    for (const effect of effects) {
      if (node.status !== 'up') return node.status !== 'failed'
      switch (effect.kind) {
        case 'send':
          this.sim.send(node, effect.to, effect.msg, { transfer: effect.transfer, unreachable: effect.unreachable })
          break
        case 'pool':
          this.events.submitPoolJob(node, effect.job)
          break
        case 'print': {
          const line = cleanText(effect.line)
          node.console.push(line)
          this.tracer.emit({ t, node: node.name, kind: 'console', line })
          break
        }
        case 'prompt':
          this.tracer.emit({ t, node: node.name, kind: 'prompt', text: cleanText(effect.text) })
          break
        case 'app':
          this.tracer.emit({ t, node: node.name, kind: 'app.result', msg: effect.msg })
          node.app?.(effect.msg)
          break
        case 'log':
          this.tracer.emit({ t, node: node.name, kind: 'log', level: cleanText(effect.level, 16), text: cleanText(effect.text) })
          break
        case 'timer': {
          const item = { t: effect.at, seq: this.sim.nextSeq(), kind: 'timer' as const, node, inc: node.incarnation, timer: effect.timer, dead: false }
          this.sim.enqueue(item)
          node.timers.set(effect.timer, item)
          break
        }
        case 'cancel': {
          const item = node.timers.get(effect.timer)
          if (item) {
            item.dead = true
            node.timers.delete(effect.timer)
          }
          break
        }
        case 'write':
          node.lastWrite = { file: effect.file, offset: effect.offset, length: effect.length, t }
          break
        case 'synced':
          if (node.lastWrite?.file === effect.file) node.lastWrite = null
          break
        case 'error':
        case 'limit': {
          const what = effect.kind === 'error' ? 'threw' : 'went over a resource limit'
          const message = `node '${node.name}' ${what} while handling ${cleanText(effect.event, 200)}: ${cleanText(effect.message, 4000)}`
          this.nodeFailed(node, message, new NodeFailure('NODE_FAILED', node.name, message))
          return false
        }
        case 'timer.set':
          this.tracer.emit({ t, node: node.name, kind: 'timer.set', timer: effect.timer, delay: effect.delay, at: effect.at })
          break
        case 'timer.fire':
          this.tracer.emit({ t, node: node.name, kind: 'timer.fire', timer: effect.timer })
          break
        case 'timer.cancel':
          this.tracer.emit({ t, node: node.name, kind: 'timer.cancel', timer: effect.timer })
          break
        case 'state':
          this.tracer.emit({ t, node: node.name, kind: 'state', ...(effect.actor === undefined ? {} : { actor: effect.actor }), from: effect.from, to: effect.to, event: effect.event })
          break
      }
    }
    return true
  }

  /** A node threw or went over a limit: the run ends, or (true) that node alone went down. */
  nodeFailed(node: SimNode, message: string, failure: Error): boolean {
    if (node.status === 'failed') return false
    this.tracer.emit({ t: this.sim.now, node: node.name, kind: 'node.error', error: message })
    if (this.sim.onNodeFailure(node, message)) return true
    this.sim.waits.fail(failure)
    return false
  }
}
