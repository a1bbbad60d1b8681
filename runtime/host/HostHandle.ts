// Main-thread side: what Cluster drives for each node incarnation, whichever host runs it
// (WorkerHost: a worker thread running worker.ts; InlineHost: NodeHost in this thread).
import type { NodeSnapshot, StepReply, StepRequest, TornWrite } from './protocol.ts'

/** The main thread's handle on one node incarnation's host: a worker, or inline for baselines. */
export interface HostHandle {
  step(request: StepRequest): Promise<StepReply>
  inspect(): Promise<NodeSnapshot>
  /** Tears the incarnation's last logged write at file offset `cut` (before it is taken down). */
  tear(write: TornWrite, cut: number): Promise<void>
  /** Stops the host; resolves when it is gone (a worker's thread has exited). */
  terminate(): Promise<void>
  /** Stops a healthy host; its thread may serve another node where workers are reused. */
  retire(): Promise<void>
}

export interface HostOptions {
  /** Wall-clock budget for one batch; past it the node is declared hung and terminated. */
  stepTimeoutMs: number
  /** The worker's JS heap limit in MiB; past it the worker dies (an out-of-memory failure). */
  heapMb: number
  /** Called once if the host dies outside a step (exit, out of memory). */
  onDeath(message: string): void
}
