// The http-store protocol (seed 003): HTTP requests and responses with JSON bodies, carried as the
// runtime's HTTP messages (distlab/node: HTTP_REQUEST / HTTP_RESPONSE; real HTTP in real mode).
// spec.md lists every endpoint with its status codes; this file holds what a solution, the grader
// and the scenario share: the configs, the bodies, the limits and the timings the spec promises.
export type { HttpRequestMessage, HttpResponseMessage, HttpMessage } from 'distlab/node'

/** A server's config (the same cluster, secret and users on every node of one cluster). */
export interface ServerConfig {
  /** The cluster's name: tokens name it. */
  cluster: string
  /** Signs the cluster's tokens; never sent, printed or traced. */
  secret: string
  /** login → password of the people who may `auth`. */
  users: Record<string, string>
  /** Join the cluster of the node at this address when starting (as `mkcluster ADDRESS` does). */
  join?: string
}

/** The console client's config. */
export interface ClientConfig {
  /** Servers to try first, in order; the cluster's member list replaces them after `auth`. */
  servers: string[]
  login: string
  password: string
}

/** The cluster `npm run node http-store server` serves, and the login its client uses (docs, demos). */
export const DEMO_CLUSTER: ServerConfig = { cluster: 'demo', secret: 'demo-secret-change-me', users: { alice: 'wonderland' } }
export const DEMO_LOGIN = { login: 'alice', password: 'wonderland' } as const

// ---- bodies ----------------------------------------------------------------------------------

export interface AuthBody {
  login: string
  password: string
}
export interface TokenBody {
  token: string
}
/** A hybrid logical clock stamp: wall ms, a counter for one ms, and the writing node. */
export interface Stamp {
  t: number
  c: number
  n: string
}
/** GET /db/:db/:keys, with 200 when at least one key was found, 404 when none was. */
export interface ValuesBody {
  values: Record<string, unknown>
  missing: string[]
}
export interface MembersBody {
  /** Every node this node counts as a member, itself included, sorted. */
  members: string[]
}
export interface ErrorBody {
  error: string
}
/** POST /internal/replicate: a write propagated once by the node that took it (the seed's `is_endpoint`). */
export interface ReplicateBody {
  db: string
  key: string
  value: unknown
  stamp: Stamp
}
/** POST /internal/lookup: one hop of a chained read. */
export interface LookupBody {
  db: string
  keys: string[]
  /** Nodes the chain already visited (never asked again). */
  path: string[]
  /** Virtual ms this hop may take, answer included. */
  budget: number
}
export interface LookupAnswer {
  found: Record<string, { value: unknown; stamp: Stamp }>
  missing: string[]
}
export interface AddressBody {
  address: string
}

// ---- limits and timings (virtual ms) ---------------------------------------------------------

export const LIMITS = {
  /** A request body longer than this gets 413. */
  bodyBytes: 64 * 1024,
  /** A db or key name: 1–64 characters of [A-Za-z0-9_.-], not starting with a dot. */
  nameBytes: 64,
  /** Keys in one GET. */
  keysPerGet: 32,
  /** Nodes a chained read may visit after the first. */
  hops: 8,
} as const

/** A db or key name the store accepts. */
export const NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/

export const TIMING = {
  /** Writes are made durable (fdatasync) in groups, at most this long after the first of a group. */
  syncMs: 5,
  /** Every node asks every other node it knows `GET /health` this often. */
  pingMs: 500,
  /** A member that answered nothing for this long leaves the member list (it is still asked). */
  deadAfterMs: 2000,
  /** What a chained read started by a client may take in all. */
  readBudgetMs: 2000,
  /** A chained read goes only to members that answered a ping this recently (so not to a dead one). */
  freshMs: 1200,
  /** Each hop of a chained read keeps this much of its budget for answering its own caller. */
  hopMarginMs: 50,
  /** The client waits this long for a server before trying the next. */
  clientTimeoutMs: 3000,
  /** The client's checker refreshes the member list this often. */
  checkerMs: 1000,
} as const
