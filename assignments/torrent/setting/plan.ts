// What a swarm run is: its nodes, what each one's torrent.conf and data.bin hold before it first
// starts, and how nodes are restarted. Shared by the grader (graders/torrent/plans.ts draws runs
// from a seed) and the lab's scenario; files.ts writes and checks the files a plan describes.

/** What a node's data.bin holds before its first start. */
export type DataPlan =
  | { kind: 'absent' }
  | { kind: 'empty' }
  /** The reference file, whole. */
  | { kind: 'whole' }
  /** The reference file followed by `tail` bytes of garbage. */
  | { kind: 'whole+tail'; tail: number }
  | { kind: 'garbage'; length: number }
  /** Parts this node owns (RunPlan.owners) valid, every other part garbage, padded to whole parts. */
  | { kind: 'owned'; index: number }

export interface NodePlan {
  name: string
  address: string
  /** `Peers` in its torrent.conf (null: the key is null). */
  peers: string[] | null
  /** Whether its torrent.conf has FileInfo (else the key is missing or null). */
  info: boolean
  data: DataPlan
  /**
   * A decoy: its torrent.conf describes another file of the same size (its own hashes) and it holds
   * that file whole. It is a peer like any other, so the others receive parts from it that do not
   * match their hashes: a node that writes a received part without checking its SHA-1 is caught.
   * Its own data.bin must end as its own file.
   */
  decoy?: true
}

export type RestartPlan =
  /** Nodes start down; every `single` ms one random node is (re)started, every `all` ms all are. */
  | { kind: 'random'; single: number; all: number }
  /** Every `period` ms all nodes are killed and a random half is started. */
  | { kind: 'epochs'; period: number }
  /**
   * All nodes start at once; from `after` ms, as soon as one of the nodes `among` (indexes into
   * `nodes`) has sending queued on its uplink, the one with the most is killed. It stays down, or
   * is started again `returns` ms later.
   */
  | { kind: 'dies'; among: number[]; after: number; returns?: number }

export interface RunPlan {
  /** `10 nodes, 734 KiB in 1.2 KiB parts`: how the report names the run. */
  label: string
  size: number
  partSize: number
  nodes: NodePlan[]
  /** Which node holds the valid copy of each part (for 'owned' data). */
  owners?: Uint16Array
  /** Virtual ms the run may take. */
  limit: number
  restarts?: RestartPlan
  /** Each node's uplink and downlink, bytes per virtual second (default: the LAN's, see swarm.ts). */
  bandwidth?: number
}
