// The disk-client (reference). Read it as a statechart:
//
//   starting ──help, a usage error, no token──▶ done | failed
//      ├─ls──▶ listing (a page at a time) ─────────────────────────────▶ done
//      ├─rm, mv, cp, mkdir, info──▶ calling ──202──▶ polling (asking ⇄ waiting) ──▶ done | failed
//      ├─upload──▶ uploading: opening → linking → sending (a window of pieces) ⇄ backingOff
//      └─download──▶ downloading: checking → stat → linking → receiving → verifying ⇄ backingOff
//
// Every request to the service is a `call` machine (apiCall.ts) that retries 429, 5xx and broken
// connections with back-off, honouring Retry-After. A transfer retries the same way from its link
// (a reset, a 429/5xx, or no progress for 10 s); a new try starts a new part file (the old one is
// removed), and a download that fails for good removes its part file on the way out. The client ends with one line and an exit code
// for its program: toApp({ type: 'exit', code }). spec.md has the rules. The chart and its actions
// stay in this one file (~350 lines) so that a reader sees each state beside what it does; what
// the actions read from the context is in context.ts.
import { and, assign, enqueueActions, not, sendTo, setup } from 'xstate'
import { defineNode, httpBody, httpRequest, print, prompt, send, toApp, HTTP_BODY_WINDOW, type NodeEffect, type NodeInput } from 'distlab/node'
import { CONFIG_FILE, DEFAULT_API_URL, EXIT, PIECE_BYTES, RETRY, type ClientConfig, type ExitCode } from 'distlab/protocol/disk-client'
import { apiPath, explain, targetOf, type Target } from './api.ts'
import { PAGE, api, bodyOf, call, command, commandCall, ok, outputOf, remoteOf, responseOf, tokenOf, type Context, type Event } from './context.ts'
import { callMachine, type CallInput } from './apiCall.ts'
import { USAGE, diskPath, parseArgs, type Command } from './commands.ts'
import { LocalReader, PartWriter, exists, localPath } from './localFiles.ts'
import { doneLine, infoLine, listingLines, totalOf } from './show.ts'

const forwardToCall = { HTTP_RESPONSE: { actions: 'forwardToCall' as const }, 'net.unreachable': { actions: 'forwardToCall' as const } }

const clientSetup = setup({
  types: { input: {} as NodeInput<ClientConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actors: { call: callMachine },
  delays: {
    poll: RETRY.pollMs,
    backoff: ({ context }) => Math.min(RETRY.backoffMs * 2 ** Math.max(0, context.tries - 1), RETRY.maxBackoffMs),
    stall: RETRY.requestTimeoutMs,
  },
  guards: {
    isHelp: ({ context }) => context.command?.kind === 'help',
    hasProblem: ({ context }) => context.problem !== null,
    noApi: ({ context }) => context.api === null,
    noToken: ({ context }) => context.token === null,
    isLs: ({ context }) => context.command?.kind === 'ls',
    isUpload: ({ context }) => context.command?.kind === 'upload',
    isDownload: ({ context }) => context.command?.kind === 'download',
    callFailed: ({ event }) => 'failure' in outputOf(event),
    succeeded: ({ event }) => ok(responseOf(event)?.status),
    isOperation: ({ event }) => responseOf(event)?.status === 202 && typeof bodyOf(event).href === 'string',
    morePages: ({ context, event }) => bodyOf(event).type === 'dir' && context.listed.length + listingLines(bodyOf(event)).length < totalOf(bodyOf(event)),
    operationSucceeded: ({ event }) => bodyOf(event).status === 'success',
    operationFailed: ({ event }) => bodyOf(event).status === 'failed',
    pollTimedOut: ({ context }) => Date.now() >= context.pollDeadline,
    gotLink: ({ event }) => ok(responseOf(event)?.status) && typeof bodyOf(event).href === 'string' && targetOf(String(bodyOf(event).href)) !== null,
    isFile: ({ event }) => bodyOf(event).type === 'file',
    noReader: ({ context }) => context.reader === null,
    badLocal: ({ context }) => localPath(context.dataDir, command<'download'>(context).local) === null,
    localExists: ({ context }) => !command<'download'>(context).overwrite && exists(localPath(context.dataDir, command<'download'>(context).local) as string),
    triesLeft: ({ context }) => context.tries < RETRY.attempts,
    mine: ({ context, event }) => 'rid' in event && event.rid === context.streamRid,
    saysLater: ({ event }) => event.type === 'HTTP_RESPONSE' && (event.status === 429 || event.status >= 500),
    streamStarts: ({ event }) => event.type === 'HTTP_RESPONSE' && event.status === 200 && event.bodyFollows === true,
    isLastPiece: ({ event }) => event.type === 'HTTP_BODY' && event.last,
    corrupted: ({ context }) => context.result.code === EXIT.corrupted,
  },
  actions: {
    forwardToCall: sendTo('call', ({ event }) => event),
    printUsage: enqueueActions(({ enqueue }) => {
      for (const line of USAGE) enqueue.emit(print(line))
    }),
    fail: assign({ result: (_, params: { line: string; code: ExitCode }) => params }),
    usageError: assign({ result: ({ context }) => ({ line: `${context.problem}`, code: EXIT.usage }) }),
    badApiUrl: assign({ result: { line: 'DISK_API_URL must be a URL like https://cloud-api.yandex.net', code: EXIT.usage } }),
    needToken: assign({ result: { line: `not authorised: no token (set DISK_TOKEN, or use --token-file FILE, or put {"token": ...} in ${CONFIG_FILE})`, code: EXIT.unauthorised } }),
    nextRids: assign({ nextRid: ({ context }) => context.nextRid + 100 }),
    unavailable: assign({ result: ({ event }) => ({ line: `service unavailable: ${(outputOf(event) as { failure: string }).failure}`, code: EXIT.unavailable }) }),
    reportError: assign({
      result: ({ context, event }) => {
        const c = context.command as Command
        const response = responseOf(event)
        return explain(response?.status ?? 0, response?.body ?? '', diskPath(remoteOf(c)), 'to' in c ? diskPath(c.to) : 'remote' in c && c.kind === 'upload' ? diskPath(c.remote) : undefined)
      },
    }),
    reportDone: assign({ result: ({ context }) => ({ line: doneLine(context.command as Command, context.reader?.size ?? context.part?.written), code: EXIT.ok }) }),
    reportInfo: assign({ result: ({ event }) => ({ line: infoLine(bodyOf(event)), code: EXIT.ok }) }),
    collectPage: assign({ listed: ({ context, event }) => [...context.listed, ...listingLines(bodyOf(event))] }),
    printListing: enqueueActions(({ context, enqueue }) => {
      for (const line of context.listed) enqueue.emit(print(line))
      enqueue.assign({ result: { line: '', code: EXIT.ok } })
    }),
    noteOperation: assign({ operation: ({ event }) => targetOf(String(bodyOf(event).href)), pollDeadline: () => Date.now() + RETRY.operationTimeoutMs }),
    operationFailedLine: assign({ result: ({ context }) => ({ line: `failed: the service could not ${context.command?.kind} ${diskPath(remoteOf(context.command as Command))}`, code: EXIT.refused }) }),
    operationTimeout: assign({ result: ({ context }) => ({ line: `service unavailable: ${context.command?.kind} still in progress after ${RETRY.operationTimeoutMs / 1000} s`, code: EXIT.unavailable }) }),
    openLocal: assign(({ context }) => {
      const path = localPath(context.dataDir, command<'upload'>(context).local)
      const reader = path ? LocalReader.open(path) : 'outside the client directory'
      if (typeof reader === 'string') return { reader: null, result: { line: `${reader}: ${command<'upload'>(context).local}`, code: EXIT.local } }
      return { reader }
    }),
    keepLink: assign({ link: ({ event }) => targetOf(String(bodyOf(event).href)) }),
    keepExpected: assign({ expected: ({ event }) => ({ size: Number(bodyOf(event).size ?? -1), md5: String(bodyOf(event).md5 ?? ''), sha256: String(bodyOf(event).sha256 ?? '') }) }),
    countTry: assign({ tries: ({ context }) => context.tries + 1 }),
    /** The PUT to the upload link, and the first window of pieces. */
    startUpload: enqueueActions(({ context, enqueue }) => {
      const reader = context.reader as LocalReader
      const link = context.link as Target
      const rid = context.nextRid
      const pieces = Math.max(1, Math.ceil(reader.size / PIECE_BYTES))
      enqueue.assign({ streamRid: rid, nextRid: rid + 1, sent: Math.min(HTTP_BODY_WINDOW, pieces), acked: 0 })
      enqueue.emit(send(link.address, { ...httpRequest(rid, 'PUT', link.path, { headers: { 'content-length': String(reader.size), 'content-type': 'application/octet-stream' } }), bodyFollows: true }))
      for (let seq = 0; seq < Math.min(HTTP_BODY_WINDOW, pieces); seq++) enqueue.emit(send(link.address, httpBody(rid, seq, reader.read(seq * PIECE_BYTES, PIECE_BYTES), seq === pieces - 1), { transfer: true }))
    }),
    /** An acknowledged piece makes room for the next. */
    sendNextPiece: enqueueActions(({ context, enqueue }) => {
      const reader = context.reader as LocalReader
      const pieces = Math.max(1, Math.ceil(reader.size / PIECE_BYTES))
      const acked = context.acked + 1
      enqueue.assign({ acked })
      if (context.tty && pieces > 8 && acked % Math.ceil(pieces / 10) === 0) enqueue.emit(prompt(`uploading ${command<'upload'>(context).local}: ${Math.round((100 * acked) / pieces)}%\n`))
      if (context.sent >= pieces) return
      const seq = context.sent
      enqueue.assign({ sent: seq + 1 })
      enqueue.emit(send((context.link as Target).address, httpBody(context.streamRid, seq, reader.read(seq * PIECE_BYTES, PIECE_BYTES), seq === pieces - 1), { transfer: true }))
    }),
    /** The GET of the download link, its body streamed into a part file. */
    startDownload: enqueueActions(({ context, enqueue }) => {
      const link = context.link as Target
      const rid = context.nextRid
      context.part?.discard('a new try')
      enqueue.assign({ streamRid: rid, nextRid: rid + 1, part: PartWriter.create(localPath(context.dataDir, command<'download'>(context).local) as string) })
      enqueue.emit(send(link.address, { ...httpRequest(rid, 'GET', link.path), streamResponse: true }))
    }),
    takePiece: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'HTTP_BODY') return
      context.part?.write(event.data)
      enqueue.emit(send(event.from, { type: 'HTTP_BODY_ACK', rid: event.rid, seq: event.seq }))
      const size = context.expected.size
      if (context.tty && size > 8 * PIECE_BYTES && event.seq % 16 === 15) enqueue.emit(prompt(`downloading ${command<'download'>(context).local}: ${Math.round((100 * (context.part?.written ?? 0)) / size)}%\n`))
    }),
    verify: assign({
      result: ({ context }) => {
        const why = context.part ? context.part.finish(context.expected) : 'no file was written'
        return why === null ? { line: doneLine(context.command as Command, context.expected.size), code: EXIT.ok } : { line: `download corrupted: ${why}; nothing kept`, code: EXIT.corrupted }
      },
    }),
    streamBroke: assign({ result: ({ context, event }) => ({ line: `service unavailable: the connection broke (${event.type === 'HTTP_ABORT' ? event.reason : 'no reason given'}), after ${context.tries} tries`, code: EXIT.unavailable }) }),
    streamStalled: assign({ result: ({ context }) => ({ line: `service unavailable: no progress for ${RETRY.requestTimeoutMs / 1000} s, after ${context.tries} tries`, code: EXIT.unavailable }) }),
    reportStreamError: assign({
      result: ({ context, event }) => {
        const c = context.command as Command
        const response = event.type === 'HTTP_RESPONSE' ? event : null
        return explain(response?.status ?? 0, response?.body ?? '', diskPath(remoteOf(c)), c.kind === 'upload' ? diskPath(c.remote) : undefined)
      },
    }),
    closeFiles: enqueueActions(({ context }) => {
      context.reader?.close()
      if (context.part && context.result.code !== EXIT.ok) context.part.discard('the client stopped')
    }),
    exit: enqueueActions(({ context, enqueue }) => {
      if (context.result.line !== '') enqueue.emit(print(context.result.line))
      enqueue.emit(toApp({ type: 'exit', code: context.result.code }))
    }),
  },
})

/** Asks the service for an upload or a download link (counted as a try of the transfer), then `next`. */
function linking(request: (context: Context) => CallInput, next: 'sending' | 'receiving') {
  return clientSetup.createStateConfig({
    entry: 'countTry',
    on: forwardToCall,
    invoke: {
      id: 'call',
      src: 'call',
      input: ({ context }) => request(context),
      onDone: [
        { guard: 'callFailed', target: '#client.failed', actions: 'unavailable' },
        { guard: 'gotLink', target: next, actions: ['keepLink', 'nextRids'] },
        { target: '#client.failed', actions: 'reportError' },
      ],
    },
  })
}

export const clientMachine = clientSetup.createMachine({
  id: 'client',
  context: ({ input }) => {
    const parsed = parseArgs(input.config.argv ?? [])
    const problem = 'problem' in parsed ? parsed.problem : null
    const env = input.config.env ?? {}
    return {
      dataDir: input.dataDir,
      tty: input.config.tty === true,
      command: 'problem' in parsed ? null : parsed.command,
      problem,
      api: targetOf(env.DISK_API_URL ?? DEFAULT_API_URL),
      token: 'problem' in parsed ? null : tokenOf(input.dataDir, env, parsed.tokenFile),
      nextRid: 1,
      listed: [],
      operation: null,
      pollDeadline: 0,
      tries: 0,
      reader: null,
      part: null,
      link: null,
      streamRid: 0,
      sent: 0,
      acked: 0,
      expected: { size: -1, md5: '', sha256: '' },
      result: { line: '', code: EXIT.ok },
    }
  },
  initial: 'starting',
  states: {
    starting: {
      always: [
        { guard: 'isHelp', target: 'done', actions: 'printUsage' },
        { guard: 'hasProblem', target: 'failed', actions: 'usageError' },
        { guard: 'noApi', target: 'failed', actions: 'badApiUrl' },
        { guard: 'noToken', target: 'failed', actions: 'needToken' },
        { guard: 'isLs', target: 'listing' },
        { guard: 'isUpload', target: 'uploading' },
        { guard: 'isDownload', target: 'downloading' },
        { target: 'calling' },
      ],
    },
    calling: {
      on: forwardToCall,
      invoke: {
        id: 'call',
        src: 'call',
        input: commandCall,
        onDone: [
          { guard: 'callFailed', target: 'failed', actions: 'unavailable' },
          { guard: 'isOperation', target: 'polling', actions: ['noteOperation', 'nextRids'] },
          { guard: and(['succeeded', ({ context }) => context.command?.kind === 'info']), target: 'done', actions: 'reportInfo' },
          { guard: 'succeeded', target: 'done', actions: 'reportDone' },
          { target: 'failed', actions: 'reportError' },
        ],
      },
    },
    listing: {
      on: forwardToCall,
      invoke: {
        id: 'call',
        src: 'call',
        input: ({ context }) => call(context, 'GET', apiPath(api(context), '/resources', { path: diskPath(command<'ls'>(context).path), limit: PAGE, offset: context.listed.length, sort: 'name' })),
        onDone: [
          { guard: 'callFailed', target: 'failed', actions: 'unavailable' },
          { guard: and(['succeeded', 'morePages']), target: 'listing', reenter: true, actions: ['collectPage', 'nextRids'] },
          { guard: 'succeeded', target: 'done', actions: ['collectPage', 'printListing'] },
          { target: 'failed', actions: 'reportError' },
        ],
      },
    },
    polling: {
      initial: 'waiting',
      states: {
        waiting: { after: { poll: 'asking' } },
        asking: {
          on: forwardToCall,
          invoke: {
            id: 'call',
            src: 'call',
            input: ({ context }) => ({ ...call(context, 'GET', (context.operation as Target).path), to: (context.operation as Target).address }),
            onDone: [
              { guard: 'callFailed', target: '#client.failed', actions: 'unavailable' },
              { guard: 'operationSucceeded', target: '#client.done', actions: 'reportDone' },
              { guard: 'operationFailed', target: '#client.failed', actions: 'operationFailedLine' },
              { guard: not('succeeded'), target: '#client.failed', actions: 'reportError' },
              { guard: 'pollTimedOut', target: '#client.failed', actions: 'operationTimeout' },
              { target: 'waiting', actions: 'nextRids' },
            ],
          },
        },
      },
    },
    uploading: {
      initial: 'opening',
      states: {
        opening: { entry: 'openLocal', always: [{ guard: 'noReader', target: '#client.failed' }, { target: 'linking' }] },
        linking: linking((context) => call(context, 'GET', apiPath(api(context), '/resources/upload', { path: diskPath(command<'upload'>(context).remote), overwrite: command<'upload'>(context).overwrite ? true : undefined })), 'sending'),
        sending: {
          entry: 'startUpload',
          // Each acknowledged piece re-enters `flowing`: the stall timer counts from the last progress.
          initial: 'flowing',
          states: {
            flowing: {
              on: { HTTP_BODY_ACK: { guard: 'mine', target: 'flowing', reenter: true, actions: 'sendNextPiece' } },
              after: { stall: [{ guard: 'triesLeft', target: '#client.uploading.backingOff' }, { target: '#client.failed', actions: 'streamStalled' }] },
            },
          },
          on: {
            HTTP_RESPONSE: [
              { guard: and(['mine', 'saysLater', 'triesLeft']), target: 'backingOff' },
              { guard: and(['mine', ({ event }) => event.type === 'HTTP_RESPONSE' && ok(event.status)]), target: '#client.done', actions: 'reportDone' },
              { guard: 'mine', target: '#client.failed', actions: 'reportStreamError' },
            ],
            HTTP_ABORT: [{ guard: and(['mine', 'triesLeft']), target: 'backingOff' }, { guard: 'mine', target: '#client.failed', actions: 'streamBroke' }],
          },
        },
        backingOff: { after: { backoff: 'linking' } },
      },
    },
    downloading: {
      initial: 'checking',
      states: {
        checking: {
          always: [
            { guard: 'badLocal', target: '#client.failed', actions: { type: 'fail', params: ({ context }) => ({ line: `outside the client directory: ${command<'download'>(context).local}`, code: EXIT.local }) } },
            { guard: 'localExists', target: '#client.failed', actions: { type: 'fail', params: ({ context }) => ({ line: `already exists locally: ${command<'download'>(context).local} (use --overwrite)`, code: EXIT.local }) } },
            { target: 'stat' },
          ],
        },
        stat: {
          on: forwardToCall,
          invoke: {
            id: 'call',
            src: 'call',
            input: ({ context }) => call(context, 'GET', apiPath(api(context), '/resources', { path: diskPath(command<'download'>(context).remote) })),
            onDone: [
              { guard: 'callFailed', target: '#client.failed', actions: 'unavailable' },
              { guard: and(['succeeded', 'isFile']), target: 'linking', actions: ['keepExpected', 'nextRids'] },
              { guard: 'succeeded', target: '#client.failed', actions: { type: 'fail', params: ({ context }) => ({ line: `not a file: ${diskPath(command<'download'>(context).remote)}`, code: EXIT.refused }) } },
              { target: '#client.failed', actions: 'reportError' },
            ],
          },
        },
        linking: linking((context) => call(context, 'GET', apiPath(api(context), '/resources/download', { path: diskPath(command<'download'>(context).remote) })), 'receiving'),
        receiving: {
          entry: 'startDownload',
          // Each piece re-enters `flowing`: the stall timer counts from the last progress.
          initial: 'flowing',
          states: {
            flowing: {
              on: { HTTP_BODY: [{ guard: and(['mine', 'isLastPiece']), target: '#client.downloading.verifying', actions: 'takePiece' }, { guard: 'mine', target: 'flowing', reenter: true, actions: 'takePiece' }] },
              after: { stall: [{ guard: 'triesLeft', target: '#client.downloading.backingOff' }, { target: '#client.failed', actions: 'streamStalled' }] },
            },
          },
          on: {
            HTTP_RESPONSE: [
              { guard: and(['mine', 'streamStarts']) },
              { guard: and(['mine', 'saysLater', 'triesLeft']), target: 'backingOff' },
              { guard: 'mine', target: '#client.failed', actions: 'reportStreamError' },
            ],
            HTTP_ABORT: [{ guard: and(['mine', 'triesLeft']), target: 'backingOff' }, { guard: 'mine', target: '#client.failed', actions: 'streamBroke' }],
          },
        },
        verifying: { entry: 'verify', always: [{ guard: 'corrupted', target: '#client.failed' }, { target: '#client.done' }] },
        backingOff: { after: { backoff: 'linking' } },
      },
    },
    done: { type: 'final', entry: ['closeFiles', 'exit'] },
    failed: { type: 'final', entry: ['closeFiles', 'exit'] },
  },
})

export default defineNode({ machine: clientMachine, title: 'disk-client' })
