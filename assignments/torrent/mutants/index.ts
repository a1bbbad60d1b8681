// Known-bad torrent nodes, each one guard, action or delay of the reference's machines changed
// (the code only a variant needs lives in the variant), and the groups each must fail.
import type { MutantSpec } from '../../../graders/harness/mutants.ts'

const mutants: MutantSpec[] = [
  { name: 'no-hash-check', bug: 'nothing is hashed: whole parts already in data.bin count as valid, received parts are written unchecked', loses: ['simple-extra', 'many-source'] },
  { name: 'no-hash-on-receive', bug: 'received parts are written and announced unchecked (only the node’s own file is hashed at start); a decoy’s bytes get in', loses: ['many-source'] },
  { name: 'no-truncation', bug: 'a data.bin longer than Size keeps its tail: files are extended, never cut', loses: ['simple-extra', 'many-source'] },
  { name: 'no-peer-exchange', bug: 'a node knows only the peers its torrent.conf lists, and never asks a peer that dialed in', loses: ['simple-extra', 'restarts-discovery', 'self-discovery'] },
  { name: 'no-subnet-probing', bug: 'a node told no peers waits to be found: it never probes its /24', loses: ['self-discovery'] },
  { name: 'trusts-saved-parts', bug: 'a restarted node takes its saved list of written parts as valid without hashing them; a write torn by a kill stays wrong', loses: ['restarts'] },
  { name: 'resizes-by-rename', bug: 'data.bin is sized by writing a copy and renaming it over the original: right bytes, but not the file the node was given (the course bind-mounts it)', loses: ['simple-compose', 'simple-random', 'simple-extra', 'many-source', 'restarts', 'restarts-discovery', 'self-discovery'] },
  { name: 'waits-for-dead-peers', bug: 'a part asked of a peer is awaited until that peer answers: no timeout, no endgame; a seeder that dies with parts in its queue leaves them missing for good', loses: ['restarts'] },
  { name: 'loses-progress-on-restart', bug: 'a restarted node starts over: it empties data.bin instead of checking what it already holds', loses: ['restarts', 'self-discovery'] },
]

export default mutants
