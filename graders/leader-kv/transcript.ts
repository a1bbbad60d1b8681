// The exact console lines of seed 001, section 6, for a sequential session: given the operations
// a client made and where each went (read from the trace), what every console must show.
import { FOLLOWERS, LEADER, addressOf as simAddressOf } from './kvCluster.ts'

/** Who is who: the sim grader's names and addresses by default; real processes pass their own. */
export interface Topology {
  leader: string
  followers: readonly string[]
  addressOf(name: string): string
}

const SIM: Topology = { leader: LEADER, followers: FOLLOWERS, addressOf: simAddressOf }

export type Op = { kind: 'put'; client: string; key: string; value: string; server: string; ts: number } | { kind: 'get'; client: string; key: string; server: string }

export function expectedConsoles(ops: Op[], names: string[], topology: Topology = SIM): Record<string, string[]> {
  const { leader: LEADER, followers: FOLLOWERS, addressOf } = topology
  const consoles: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]))
  const out = (name: string, line: string): void => {
    consoles[name]?.push(line)
  }
  const store = new Map<string, { value: string; ts: number }>()
  const clientTs = new Map<string, number>()
  for (const op of ops) {
    const client = addressOf(op.client)
    const server = addressOf(op.server)
    if (op.kind === 'put') {
      if (op.server !== LEADER) out(op.server, `Encaminhando PUT key:${op.key} value:${op.value}`)
      out(LEADER, `Cliente ${client} PUT key:${op.key} value:${op.value}`)
      for (const follower of FOLLOWERS) out(follower, `REPLICATION key:${op.key} value:${op.value} ts:${op.ts}`)
      out(LEADER, `Enviando PUT_OK ao Cliente ${client} da key:${op.key} ts:${op.ts}`)
      out(op.client, `PUT_OK key: ${op.key} value ${op.value} timestamp ${op.ts} realizada no servidor ${server}`)
      store.set(op.key, { value: op.value, ts: op.ts })
      clientTs.set(`${op.client}/${op.key}`, op.ts)
    } else {
      const mine = clientTs.get(`${op.client}/${op.key}`) ?? 0
      const stored = store.get(op.key)
      const theirs = stored?.ts ?? 0
      const value = stored?.value ?? 'NULL'
      out(op.server, `Cliente ${client} GET key:${op.key} ts:${mine}. Meu ts é ${theirs}, portanto devolvendo ${value}`)
      out(op.client, `GET key: ${op.key} value: ${value} obtido do servidor ${server}, meu timestamp ${mine} e do servidor ${theirs}`)
      clientTs.set(`${op.client}/${op.key}`, Math.max(mine, theirs))
    }
  }
  return consoles
}

/** The first line where two consoles differ, as a sentence with both lines. */
export function firstDifference(actual: readonly string[], expected: readonly string[]): string | null {
  const n = Math.max(actual.length, expected.length)
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      return `line ${i + 1}:\n  expected: ${expected[i] === undefined ? '(no more lines)' : JSON.stringify(expected[i])}\n       got: ${actual[i] === undefined ? '(no more lines)' : JSON.stringify(actual[i])}`
    }
  }
  return null
}
