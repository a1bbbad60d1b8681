// The coordinator's rules as pure functions of its state: who is alive, who may succeed the
// master, which idle server may join as backup, and so the next view. The machine in
// coordinator.ts applies them; nothing here has side effects.
import type { View } from 'distlab/protocol/viewservice'

export interface CoordinatorState {
  view: View
  /** The master has pinged with the current view number. */
  acked: boolean
  /** Ticks so far. */
  tick: number
  /** The tick of each server's latest ping. */
  lastPing: Record<string, number>
  /** The view number each server's latest ping carried. */
  lastViewnum: Record<string, number>
  /** Members of the current view that pinged 0: restarted, their data lost. */
  restarted: string[]
  deadPings: number
}

export interface Rules {
  /** Pinged within deadPings ticks and, if in the view, not restarted. */
  alive(state: CoordinatorState, name: string | null): boolean
  /** Who becomes master when the master is gone: only the backup, and only a live one. */
  successor(state: CoordinatorState): string | null
  /** An idle server (pinging, not in the view) to become backup. */
  spare(state: CoordinatorState, taken: Array<string | null>): string | null
  /**
   * Whether a ping says its sender restarted: a member of the view pinging 0 after having pinged
   * a view number. (A server just added to the view pings 0 until it has learned the view.)
   */
  restart(state: CoordinatorState, name: string, viewnum: number): boolean
}

const pingedRecently = (state: CoordinatorState, name: string): boolean => state.tick - (state.lastPing[name] ?? -Infinity) < state.deadPings

export const rules: Rules = {
  alive: (state, name) => name !== null && pingedRecently(state, name) && !state.restarted.includes(name),
  successor: (state) => (rules.alive(state, state.view.backup) ? state.view.backup : null),
  spare: (state, taken) =>
    Object.keys(state.lastPing)
      .filter((name) => !taken.includes(name) && pingedRecently(state, name))
      .sort()[0] ?? null,
  restart: (state, name, viewnum) => viewnum === 0 && (state.lastViewnum[name] ?? 0) > 0 && (name === state.view.master || name === state.view.backup),
}

/** The view that should follow the current one, or null when nothing should (or can) change. */
export function nextView(state: CoordinatorState, r: Rules = rules): View | null {
  const { number, master, backup } = state.view
  if (number === 0) return null
  let nextMaster = master
  let nextBackup = backup
  // A member that died or restarted is replaced, even when the same server re-enters as backup.
  let replaced = false
  if (!r.alive(state, master)) {
    nextMaster = r.successor(state)
    if (nextMaster === null) return null // nobody may take over: wait
    nextBackup = null
    replaced = true
  } else if (backup !== null && !r.alive(state, backup)) {
    nextBackup = null
    replaced = true
  }
  if (nextBackup === null) nextBackup = r.spare(state, [nextMaster])
  if (!replaced && nextBackup === backup) return null
  return { number: number + 1, master: nextMaster, backup: nextBackup }
}

/** A ping's effect on the state: liveness, acknowledgement, restarts, the very first view. */
export function recordPing(state: CoordinatorState, name: string, viewnum: number, r: Rules = rules): CoordinatorState {
  const lastPing = { ...state.lastPing, [name]: state.tick }
  const lastViewnum = { ...state.lastViewnum, [name]: viewnum }
  const { view } = state
  if (view.number === 0) return { ...state, lastPing, lastViewnum, view: { number: 1, master: name, backup: null }, acked: false, restarted: [] }
  const restarted = r.restart(state, name, viewnum) && !state.restarted.includes(name) ? [...state.restarted, name] : state.restarted
  const acked = state.acked || (name === view.master && viewnum === view.number)
  return { ...state, lastPing, lastViewnum, restarted, acked }
}
