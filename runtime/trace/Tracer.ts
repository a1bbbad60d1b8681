// Fans trace records out to sinks (a file, memory, the lab's narrator). Records are built only
// when some sink listens, so a run without a trace pays nothing for them.
import type { TraceLevel } from '../host/protocol.ts'
import { FULL_ONLY_KINDS, type NewRecord, type TraceRecord } from './records.ts'

export interface TraceSink {
  readonly level: Exclude<TraceLevel, 'off'>
  write(record: TraceRecord): void
  close?(): void
}

export class Tracer {
  private readonly sinks: TraceSink[] = []
  private seq = 0
  /** The most detailed level any sink wants; fixed when nodes start (it decides inspection). */
  level: TraceLevel = 'off'

  get on(): boolean {
    return this.sinks.length > 0
  }

  add(sink: TraceSink): void {
    this.sinks.push(sink)
    if (sink.level === 'full' || this.level === 'off') this.level = sink.level
  }

  emit(record: NewRecord): void {
    if (this.sinks.length === 0) return
    const full = { seq: this.seq++, ...record } as TraceRecord
    const fullOnly = FULL_ONLY_KINDS.has(full.kind)
    for (const sink of this.sinks) if (!fullOnly || sink.level === 'full') sink.write(full)
  }

  close(): void {
    for (const sink of this.sinks) sink.close?.()
  }
}

/** Keeps records in memory, for graders that check what happened on the wire. */
export class MemorySink implements TraceSink {
  readonly records: TraceRecord[] = []
  constructor(readonly level: Exclude<TraceLevel, 'off'> = 'net') {}
  write(record: TraceRecord): void {
    this.records.push(record)
  }
}

/** Calls a function for each record: the lab's narration. */
export class ListenerSink implements TraceSink {
  constructor(
    readonly level: Exclude<TraceLevel, 'off'>,
    private readonly listener: (record: TraceRecord) => void,
  ) {}
  write(record: TraceRecord): void {
    this.listener(record)
  }
}
