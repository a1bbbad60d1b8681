// Fans trace records out to sinks (a file, memory, the lab's narrator). Records are built only
// when some sink listens, so a run without a trace pays nothing for them. With the `secrets`
// option each record goes through a SecretScrubber first: no sink ever sees a secret.
import type { TraceLevel } from '../host/protocol.ts'
import type { Message } from '../node/types.ts'
import { FULL_ONLY_KINDS, type NewRecord, type TraceRecord } from './records.ts'
import { SecretScrubber, type SecretFinder } from './SecretScrubber.ts'

export interface TraceSink {
  readonly level: Exclude<TraceLevel, 'off'>
  write(record: TraceRecord): void
  close?(): void
}

export class Tracer {
  private readonly sinks: TraceSink[] = []
  private seq = 0
  /** Set by the `secrets` option; null leaves records untouched (and unwalked). */
  private scrubber: SecretScrubber | null = null
  /** The most detailed level any sink wants; fixed when nodes start (it decides inspection). */
  level: TraceLevel = 'off'

  get on(): boolean {
    return this.sinks.length > 0
  }

  add(sink: TraceSink): void {
    this.sinks.push(sink)
    if (sink.level === 'full' || this.level === 'off') this.level = sink.level
  }

  /** From now on every record is scrubbed of the secrets `find` finds in messages, before any sink sees it. */
  hideSecrets(find: SecretFinder): void {
    this.scrubber = new SecretScrubber(find)
  }

  get hidesSecrets(): boolean {
    return this.scrubber !== null && this.on
  }

  /** Learns a message's secrets ahead of its record (a node may print a token before it sends it). */
  learn(msg: Message): void {
    if (this.on) this.scrubber?.learn(msg)
  }

  emit(record: NewRecord): void {
    if (this.sinks.length === 0) return
    let full = { seq: this.seq++, ...record } as TraceRecord
    if (this.scrubber) full = this.scrubber.scrub(full)
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
