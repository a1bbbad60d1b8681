// Who a node counts as a member. Every node asks every node it knows `GET /health` each
// TIMING.pingMs; one that answered nothing for TIMING.deadAfterMs leaves the member list but is
// still asked, and comes back with its first answer. A chained read goes only to members heard
// from within TIMING.freshMs, so it is not sent to a node that just died.
import { TIMING } from 'distlab/protocol/http-store'

export interface Member {
  /** When it last answered (or was added). */
  seen: number
  up: boolean
}

export type Members = Record<string, Member>

/** The member list a node gives: itself and every member that is up, sorted. */
export function memberList(self: string, members: Members): string[] {
  return [self, ...Object.keys(members).filter((a) => members[a]?.up)].sort()
}

/** Members that have been silent too long, now. */
export function silent(members: Members, now: number): string[] {
  return Object.keys(members).filter((a) => members[a]?.up && now - (members[a]?.seen ?? 0) > TIMING.deadAfterMs)
}

/** Whom a chained read asks next: fresh members not yet on its path, in ring order after `self`. */
export function nextHop(self: string, members: Members, path: string[], now: number): string | undefined {
  const ring = memberList(self, members)
  const start = ring.indexOf(self)
  const order = [...ring.slice(start + 1), ...ring.slice(0, start)]
  return order.find((a) => !path.includes(a) && now - (members[a]?.seen ?? -Infinity) <= TIMING.freshMs)
}
