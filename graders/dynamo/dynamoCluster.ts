// The setting of the dynamo tests: nodes node01..nodeNN, formed into a cluster with JOIN, and the
// client interface (GET, PUT, LOOKUP, GET_MEMBERS, COUNT_RECORDS) as typed calls that fail the
// test with a sentence when the answer is wrong in shape.
import { CallTimeout, type ClientHandle, type Cluster } from '../../runtime/index.ts'
import type { CountRecordsResp, ErrorReply, GetResp, LookupResp, Members, PutResp } from '../../assignments/dynamo/messages.ts'
import type { TestContext } from '../harness/TestContext.ts'

export const nodeName = (i: number): string => `node${String(i).padStart(2, '0')}`
export const addressOf = (name: string): string => `10.0.0.${Number(name.slice(4))}:9000`
const CALL = 3000

export interface Version {
  values: string[]
  metadata: string[]
}

export class Dynamo {
  readonly g: ClientHandle

  constructor(
    readonly t: TestContext,
    readonly cluster: Cluster,
    readonly names: string[],
  ) {
    this.g = cluster.client('grader', { address: '10.0.1.1:5000' })
  }

  /**
   * Starts `count` nodes; those in `join` (default: all) form the cluster through the first.
   * `whileAlone` runs once the first lists itself as a member, before the others join.
   */
  static async start(t: TestContext, count: number, options: { join?: string[]; whileAlone?: (dynamo: Dynamo, seed: string) => Promise<void> } = {}): Promise<Dynamo> {
    const names = Array.from({ length: count }, (_, i) => nodeName(i + 1))
    const cluster = await t.cluster({ network: { latency: [1, 5] }, records: false, nodes: names.map((name) => ({ name, role: 'node', address: addressOf(name) })) })
    const dynamo = new Dynamo(t, cluster, names)
    const join = options.join ?? names
    // The first node creates the cluster; the others join through it once it is a member.
    const [seed, ...rest] = join as [string, ...string[]]
    dynamo.g.send(seed, { type: 'JOIN', seed: addressOf(seed) })
    await dynamo.converged([seed], `the cluster forms: ${seed}, joining through itself, lists itself as its only member`)
    await options.whileAlone?.(dynamo, seed)
    for (const name of rest) dynamo.g.send(name, { type: 'JOIN', seed: addressOf(seed) })
    await dynamo.converged(join, 'the cluster forms: every node lists every member')
    return dynamo
  }

  /** Waits until every one of `nodes` lists exactly `nodes` as members. */
  async converged(nodes: string[], sentence: string, timeout = 3000): Promise<void> {
    const expected = [...nodes].sort()
    const deadline = this.cluster.now + timeout
    for (;;) {
      // A node that is not a member yet may answer ERROR: asked again until the deadline.
      const lists = await Promise.all(nodes.map((n) => (this.cluster.now < deadline ? this.membersOrNull(n) : this.members(n))))
      if (lists.every((l) => JSON.stringify(l) === JSON.stringify(expected))) return
      if (this.cluster.now >= deadline) this.t.fail(sentence, `members: ${nodes.map((n, i) => `${n}: ${lists[i]?.join(',') ?? 'ERROR (not a member yet)'}`).join('; ')}`)
      await this.cluster.sleep(50)
    }
  }

  private async call<R extends { type: string }>(node: string, request: Record<string, unknown> & { type: string }, expect: R['type'], what: string): Promise<R> {
    let answer: R | ErrorReply
    try {
      answer = await this.g.call<R | ErrorReply>(node, request, { timeout: CALL })
    } catch (err) {
      if (err instanceof CallTimeout) this.t.fail(`${what} is answered`, `${node} did not answer within ${CALL} ms`)
      throw err
    }
    if (answer.type !== expect) this.t.fail(`${what} is answered with ${expect}`, `${node} answered ${JSON.stringify(answer)}`)
    return answer as R
  }

  async get(node: string, key: string, quorum: number): Promise<Version> {
    const answer = await this.call<GetResp>(node, { type: 'GET', key, quorum }, 'GET_RESP', `GET ${key} (q=${quorum}) at ${node}`)
    const ok = Array.isArray(answer.values) && Array.isArray(answer.metadata) && answer.values.length === answer.metadata.length && [...answer.values, ...answer.metadata].every((x) => typeof x === 'string')
    this.t.check(ok, 'GET_RESP has values and metadata: arrays of strings of the same length', JSON.stringify(answer))
    return { values: answer.values, metadata: answer.metadata }
  }

  async put(node: string, key: string, value: string, quorum: number, metadata?: string | string[]): Promise<string> {
    const answer = await this.call<PutResp>(node, { type: 'PUT', key, value, quorum, ...(metadata === undefined ? {} : { metadata }) }, 'PUT_RESP', `PUT ${key}=${value} (q=${quorum}) at ${node}`)
    this.t.check(typeof answer.metadata === 'string', 'PUT_RESP carries the new version\'s metadata (a string)', JSON.stringify(answer))
    return answer.metadata
  }

  async lookup(node: string, key: string): Promise<string[]> {
    const answer = await this.call<LookupResp>(node, { type: 'LOOKUP', key }, 'LOOKUP_RESP', `LOOKUP ${key} at ${node}`)
    const ok = Array.isArray(answer.nodes) && answer.nodes.length === 3 && answer.nodes.every((n) => Array.isArray(n) && n.length === 2 && addressOf(String(n[0])) === n[1])
    this.t.check(ok, 'LOOKUP names 3 replicas as [name, address] pairs', JSON.stringify(answer.nodes))
    this.t.check(new Set(answer.nodes.map((n) => n[0])).size === 3, 'the 3 replicas of a key are different nodes', JSON.stringify(answer.nodes))
    return answer.nodes.map((n) => n[0])
  }

  /** The node's members, or null if it answered ERROR (not a member yet). */
  private async membersOrNull(node: string): Promise<string[] | null> {
    const answer = await this.g.call<Members | ErrorReply>(node, { type: 'GET_MEMBERS' }, { timeout: CALL }).catch((err: unknown) => {
      if (err instanceof CallTimeout) this.t.fail('GET_MEMBERS is answered', `${node} did not answer within ${CALL} ms`)
      throw err
    })
    if (answer.type === 'ERROR') return null
    if (answer.type !== 'MEMBERS') this.t.fail('GET_MEMBERS is answered with MEMBERS', `${node} answered ${JSON.stringify(answer)}`)
    return [...answer.members].sort()
  }

  async members(node: string): Promise<string[]> {
    const answer = await this.call<Members>(node, { type: 'GET_MEMBERS' }, 'MEMBERS', `GET_MEMBERS at ${node}`)
    return [...answer.members].sort()
  }

  async count(node: string): Promise<number> {
    return (await this.call<CountRecordsResp>(node, { type: 'COUNT_RECORDS' }, 'COUNT_RECORDS_RESP', `COUNT_RECORDS at ${node}`)).count
  }

  /** A key whose replicas (by LOOKUP) and non-replicas are returned; the key is random but seeded. */
  async key(prefix = 'key'): Promise<{ key: string; replicas: string[]; others: string[] }> {
    const key = `${prefix}-${this.t.rng.int(0, 1e9)}`
    const replicas = await this.lookup(this.names[0] as string, key)
    return { key, replicas, others: this.names.filter((n) => !replicas.includes(n)) }
  }

  /** What `node` holds on its own: cut it off and read with quorum 1 (then reconnect it). */
  async heldBy(node: string, key: string): Promise<Version> {
    this.cluster.isolate(node)
    const held = await this.get(node, key, 1)
    this.cluster.reconnect(node)
    return held
  }
}

/** The values of a read as a sorted list, for comparing sets. */
export const sorted = (values: string[]): string[] => [...values].sort()
