// Which directed links are cut. Faults accumulate as rules until healed (turmoil keeps one state
// per link direction; rules keep the cluster's verbs visible in the trace and in `describe`).

/** What the rules need to know about an endpoint. */
export interface RuleEndpoint {
  readonly name: string
  readonly isClient: boolean
}

export type LinkRule =
  /** Listed endpoints talk only within their group; endpoints not listed keep all links. */
  | { kind: 'partition'; groups: string[][] }
  /** The node is cut from every other node (and from clients too when `clients`). */
  | { kind: 'isolate'; node: string; clients: boolean }
  /** Messages from `from` to `to` are lost; the other direction still works. */
  | { kind: 'block'; from: string; to: string }

export class LinkRules {
  private rules: LinkRule[] = []

  get active(): readonly LinkRule[] {
    return this.rules
  }

  add(rule: LinkRule): void {
    this.rules.push(rule)
  }

  blocks(from: RuleEndpoint, to: RuleEndpoint): boolean {
    if (this.rules.length === 0 || from.name === to.name) return false
    for (const rule of this.rules) if (ruleBlocks(rule, from, to)) return true
    return false
  }

  heal(): void {
    this.rules = []
  }

  /** Undo `isolate(node)`. */
  reconnect(node: string): void {
    this.rules = this.rules.filter((r) => !(r.kind === 'isolate' && r.node === node))
  }

  unblock(from: string, to: string): void {
    this.rules = this.rules.filter((r) => !(r.kind === 'block' && r.from === from && r.to === to))
  }
}

function ruleBlocks(rule: LinkRule, from: RuleEndpoint, to: RuleEndpoint): boolean {
  switch (rule.kind) {
    case 'block':
      return rule.from === from.name && rule.to === to.name
    case 'isolate':
      if (rule.node === from.name) return rule.clients || !to.isClient
      if (rule.node === to.name) return rule.clients || !from.isClient
      return false
    case 'partition': {
      const a = rule.groups.findIndex((g) => g.includes(from.name))
      const b = rule.groups.findIndex((g) => g.includes(to.name))
      return a !== -1 && b !== -1 && a !== b
    }
  }
}
