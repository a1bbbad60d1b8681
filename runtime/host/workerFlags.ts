// The Node flags a runtime worker starts with. Under the permission model (the grading sandbox) a
// worker must inherit the process's own flags: in Node 20, a Worker given an execArgv of its own,
// even an empty one, runs WITHOUT the permission model (measured: such a worker read any file and
// ran `id`). Elsewhere a worker gets only `flags`, so the parent's TypeScript loader (tsx), which
// costs each worker ~26 MiB and ~130 ms, stays out.

/** Whether this process runs under Node's permission model. */
export function underPermissionModel(): boolean {
  return (process as { permission?: unknown }).permission !== undefined
}

/** The `execArgv` option of a runtime worker: absent (inherit) under the permission model, else `flags`. */
export function workerExecArgv(flags: string[]): { execArgv?: string[] } {
  return underPermissionModel() ? {} : { execArgv: flags }
}
