// What every pbservice run has besides the servers: the viewservice reference coordinator, so a
// coordinator bug never costs pbservice points, at the same tick as the servers.
import { join } from 'node:path'
import { REPO_ROOT } from '../../runtime/index.ts'
import { DEFAULT_TICK_INTERVAL } from './messages.ts'

export const COORDINATOR_MODULE = join(REPO_ROOT, 'assignments', 'viewservice', 'solution', 'coordinator.ts')
export const TICK = DEFAULT_TICK_INTERVAL
export const DEAD_PINGS = 5

/** The coordinator node of a pbservice cluster. */
export const coordinatorNode = { name: 'vs', module: COORDINATOR_MODULE, role: 'coordinator', config: { deadPings: DEAD_PINGS, tickInterval: TICK } }
