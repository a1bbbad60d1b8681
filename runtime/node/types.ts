// The types a node author works with. A node is an xstate machine; it learns about the world
// through events (delivered messages, console input, timers) and acts only through effects.

/** A network address: `127.0.0.1:10097`, `10.0.0.7`, or a plain name. The runtime routes by it. */
export type Address = string

/** A message: a plain structured-cloneable object with a string `type`. `from` is reserved. */
export interface Message {
  type: string
}

/** A message as the receiving machine sees it: the same object plus the sender's address. */
export type Delivered<M extends Message> = M & { from: Address }

/** A line typed at the node's console (fed by a scenario or a grader). */
export interface StdinEvent {
  type: 'stdin'
  line: string
}

/** What every node machine receives as `input`. */
export interface NodeInput<TConfig = unknown> {
  /** The node's name in this run (`s1`, `node03`): for humans and traces. */
  name: string
  /** Where other nodes and clients reach this node. */
  address: Address
  /** Addresses of the other nodes of the run, in a stable order. */
  peers: Address[]
  /** Assignment-specific configuration (leader address, deadPings, ...). */
  config: TConfig
  /** A directory of this node's own that survives crashes and restarts. */
  dataDir: string
}
