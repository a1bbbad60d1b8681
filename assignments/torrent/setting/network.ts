// The network and disks of the seed's swarm (its Docker containers on one host), as the runtime
// models them; the grader and the lab's scenario both run swarms on it.

/** The network the seed's containers shared: a LAN of ~1–2 ms with 50 MB/s per node each way. */
export const SWARM_NETWORK = { latency: [1, 2] as [number, number] }
export const SWARM_BANDWIDTH = 50_000_000
/**
 * A restart kills a container; a kill that lands while a part is being written leaves it partly
 * written. Writes in the last 20 virtual ms before a crash count as in flight (a part takes ~1–3 ms
 * to arrive here, so a node busy downloading is caught mid-write; a node that finished long before
 * is not). A longer window would model lost page caches, which the seed does not ask nodes to survive.
 */
export const SWARM_TEAR_WITHIN = 20
