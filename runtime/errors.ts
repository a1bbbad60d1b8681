// Errors a grader or the CLI must tell apart carry a stable `code` (piscina/DSLabs style), and a
// message that says what happened and what to do about it.

export type DistlabErrorCode =
  | 'NODE_FAILED' // a node threw, exited or was killed by its resource limits
  | 'NODE_HUNG' // a node did not finish handling an event within the wall-time budget
  | 'NODE_LOAD' // a node module failed to compile, import or export a node definition
  | 'CALL_TIMEOUT' // a client call got no reply within its virtual timeout
  | 'TIME_LIMIT' // the run reached its virtual-time limit
  | 'IDLE' // something was awaited that can no longer happen: no events are left
  | 'STOPPED' // the cluster was stopped while something was awaited
  | 'BAD_INPUT' // an option, file or flag is malformed

export class DistlabError extends Error {
  constructor(
    readonly code: DistlabErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'DistlabError'
  }
}

/** A node of the system under test failed; the message names the node and the event. */
export class NodeFailure extends DistlabError {
  constructor(
    code: 'NODE_FAILED' | 'NODE_HUNG',
    readonly node: string,
    message: string,
    /** The key of the event it failed in, when known: where the run stops. */
    readonly at?: number[],
  ) {
    super(code, message)
    this.name = 'NodeFailure'
  }
}

export class CallTimeout extends DistlabError {
  constructor(message: string) {
    super('CALL_TIMEOUT', message)
    this.name = 'CallTimeout'
  }
}

export function isDistlabError(err: unknown, code?: DistlabErrorCode): err is DistlabError {
  return err instanceof DistlabError && (code === undefined || err.code === code)
}

/** The message of anything thrown, for one-line reports. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
