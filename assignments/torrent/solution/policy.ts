// The choices a torrent node makes that the grader's groups exist to check. The reference makes
// all of them; each known-bad variant (mutants/) gets one wrong.

export interface Policy {
  /** Check every part's SHA-1: on the node's own file at start, and on every part received. */
  verify: boolean
  /** Cut a data.bin longer than Size (padding, garbage tails) down to Size. */
  truncate: boolean
  /** Learn peers from other peers (HELLO and PEERS), and ask anyone who connects. */
  peerExchange: boolean
  /** With nobody to talk to, look for peers on every address of the /24. */
  probe: boolean
  /** Keep what data.bin holds across restarts (false: a restart starts from an empty file). */
  keepProgress: boolean
  /**
   * Save the list of parts written and, after a restart, take them as valid without hashing them
   * again. Wrong (true) when a crash tears a write: the saved list outlives the bytes it vouches for.
   */
  trustSavedParts: boolean
}

export const policy: Policy = { verify: true, truncate: true, peerExchange: true, probe: true, keepProgress: true, trustSavedParts: false }
