// The process's monotonic clock in ms: the same in every thread, so a worker's stamps compare with
// the main thread's (benchmark timing only, never consulted by a run). Taken when this module
// loads, in a worker before node code could patch `process.hrtime`.
const hrtime = process.hrtime.bigint

export function monotonicMs(): number {
  return Number(hrtime()) / 1e6
}
