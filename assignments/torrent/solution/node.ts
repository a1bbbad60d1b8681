// The torrent node (reference). Three regions run side by side:
//
// - file:      awaitingInfo ─▶ checking ─▶ leeching ─▶ complete     (or checking ─▶ unusable)
//              (FileInfo from torrent.conf or a peer; data.bin sized and its parts hashed; parts
//              downloaded until every one is verified; then it prints `complete` and serves on)
// - discovery: watching ⇄ probing (with nobody to talk to, HELLO to every address of the /24)
// - clock:     every tick, batched announcements, gossip, a request for FileInfo, a refill
//
// It spawns a `peer` machine per address it learns (peer.ts: dialing, backoff, handshakes) and a
// `download` machine per part it asks for (download.ts: blocks in, hash, verdict). Bulk state
// (the part book, peers' bitfields, the open data.bin) lives in plain objects changed in place
// (parts.ts, trade.ts, scan.ts); the machines decide when, those modules what.
//
// Longer than the ~300 lines a file should be: the node's chart and its ~40 named actions and
// guards live in one setup() so that xstate types them together; each action is a few lines that
// call the modules above.
import { and, assign, emit, enqueueActions, setup } from 'xstate'
import { defineNode, ipv4Subnet, print, send, subnetAddresses, type Delivered, type HashedEvent, type NodeEffect, type NodeInput, type UnreachableEvent } from 'distlab/node'
import { COMPLETE_LINE, CONFIG_ERROR_PREFIX, CONF_FILE, DATA_ERROR_PREFIX, DATA_FILE, type FileInfo } from 'distlab/protocol/torrent'
import { join } from 'node:path'
import { parseConf, readInfo } from './config.ts'
import { downloadKey, downloadMachine, type BlockNews, type DownloadReport } from './download.ts'
import { readText, rememberInfo, rememberPeers, rememberedInfo, rememberedPeers } from './memory.ts'
import { PartBook } from './parts.ts'
import { peerMachine, type PeerCommand, type PeerReport } from './peer.ts'
import { isScanJob, nextScanJobs, recordScan, scanDone, startScan, type Scan } from './scan.ts'
import { DataFile } from './storage.ts'
import { addParts, choose, count, newRemote, removePart, serve, takeBlock, unask, uncount, release, type Asked, type Remote } from './trade.ts'
import type { Hello, WireMessage } from './wire.ts'

export const TICK_MS = 100
/** With no connected peer at a check, an incomplete node probes the /24. */
const LONELY_MS = 2000
const PROBE_MIN = 1000
const PROBE_MAX = 8000

export interface Context {
  self: string
  dir: string
  /** This incarnation's random id: peers forget what they knew of an older one. */
  boot: number
  /** Peers listed in torrent.conf (asked even without peer exchange). */
  configured: Set<string>
  info: FileInfo | null
  book: PartBook | null
  file: DataFile | null
  scan: Scan | null
  /** Why data.bin cannot be used (a directory, no permission), if it cannot. */
  fileProblem: string | null
  remotes: Map<string, Remote>
  asked: Map<string, Asked>
  inFlight: { bytes: number }
  /** Addresses learned since the last PEERS gossip; whether peers.json is out of date. */
  gossip: string[]
  peersDirty: boolean
  probeDelay: number
}

type Event = Delivered<WireMessage> | HashedEvent | UnreachableEvent | PeerReport | DownloadReport

const peerId = (address: string): string => `peer ${address}`
const sender = (event: Event): string => (event as Delivered<WireMessage>).from
const isDelivered = (event: Event): event is Delivered<WireMessage> => typeof (event as { from?: unknown }).from === 'string'

/** Helpers the actions share: learning a peer spawns its machine. */
function learn(context: Context, address: string, spawn: (address: string, mayAsk: boolean) => void, exchange: boolean): void {
  if (address === context.self || context.remotes.has(address) || typeof address !== 'string') return
  const mayAsk = exchange || context.configured.has(address)
  context.remotes.set(address, newRemote(mayAsk))
  if (exchange) {
    context.gossip.push(address)
    context.peersDirty = true
  }
  spawn(address, mayAsk)
}

export const torrentMachine = setup({
  types: { input: {} as NodeInput, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actors: { peer: peerMachine, download: downloadMachine },
  delays: {
    tick: TICK_MS,
    lonely: LONELY_MS,
    probeBackoff: ({ context }) => context.probeDelay,
  },
  guards: {
    hasInfo: ({ context }) => context.info !== null,
    usableInfo: ({ event }) => event.type === 'INFO' && readInfo(event.info, []) !== null,
    scanJob: ({ event }) => event.type === 'pool.hashed' && isScanJob(event.id),
    scanDone: ({ context }) => context.scan !== null && scanDone(context.scan),
    fileUnusable: ({ context }) => context.fileProblem !== null,
    hasEveryPart: ({ context }) => context.book?.complete === true,
    /** Learn peers from other peers (HELLO and PEERS), and ask anyone who dials in. */
    exchangesPeers: () => true,
    /** Probing needs an IPv4 address in a /24. */
    mayProbe: ({ context }) => ipv4Subnet(context.self) !== null,
    knowsNobody: ({ context }) => context.remotes.size === 0,
    isolated: ({ context }) => context.book?.complete !== true && ![...context.remotes.values()].some((r) => r.connected),
  },
  actions: {
    readConf: enqueueActions(({ context, enqueue, check, self }) => {
      const conf = parseConf(readText(join(context.dir, CONF_FILE)))
      for (const problem of conf.problems) enqueue.emit(print(`${CONFIG_ERROR_PREFIX} ${problem}`))
      const exchange = check('exchangesPeers')
      const spawn = (address: string, mayAsk: boolean): void => void enqueue.spawnChild('peer', { id: peerId(address), input: { address, mayAsk, introduce: introducer(self) } })
      for (const address of conf.peers) context.configured.add(address)
      for (const address of conf.peers) learn(context, address, spawn, exchange)
      if (exchange) for (const address of rememberedPeers(context.dir)) learn(context, address, spawn, exchange)
      context.gossip = []
      context.peersDirty = false
      enqueue.assign({ info: conf.info ?? rememberedInfo(context.dir) })
    }),
    adoptInfo: assign({
      info: ({ context, event }) => {
        const info = readInfo((event as { info?: unknown }).info, []) as FileInfo
        rememberInfo(context.dir, info)
        return info
      },
    }),
    openFile: assign(({ context }) => {
      try {
        return openDataFile(context)
      } catch (err) {
        return { fileProblem: (err as Error).message }
      }
    }),
    reportUnusableFile: emit(({ context }) => print(`${DATA_ERROR_PREFIX} cannot use ${DATA_FILE} (${context.fileProblem}); this node stops syncing`)),
    hashNextChunks: enqueueActions(({ context, enqueue }) => {
      if (!context.scan) return
      for (const job of nextScanJobs(context.scan, context.book as PartBook, context.file as DataFile)) enqueue.emit(job)
    }),
    recordScan: ({ context, event }) => recordScan(context.scan as Scan, context.book as PartBook, String((event as HashedEvent).id), (event as HashedEvent).digests),
    sendBitfields: enqueueActions(({ context, enqueue }) => {
      for (const [address, remote] of context.remotes) if (remote.connected) enqueue.emit(bitfield(context, address))
    }),
    writePart: ({ context, event }) => {
      const { part, data } = event as Extract<DownloadReport, { type: 'download.verified' }>
      const book = context.book as PartBook
      if (book.have[part]) return
      ;(context.file as DataFile).write(part * book.info.PartSize, data)
      book.gain(part, true)
    },
    printComplete: emit(() => print(COMPLETE_LINE)),
    announceComplete: enqueueActions(({ context, enqueue }) => {
      const parts = (context.book as PartBook).takeFresh()
      for (const [address, remote] of context.remotes) {
        if (!remote.connected) continue
        enqueue.emit(send(address, { type: 'HAVE', parts, complete: true }))
        if (remote.complete) enqueue.sendTo(peerId(address), { type: 'peer.bye' } satisfies PeerCommand)
      }
    }),
    /** Every tick: the parts verified since the last one, to every incomplete peer. */
    flushHave: enqueueActions(({ context, enqueue }) => {
      const parts = context.book?.takeFresh() ?? []
      if (!parts.length) return
      for (const [address, remote] of context.remotes) if (remote.connected && !remote.complete) enqueue.emit(send(address, { type: 'HAVE', parts, complete: false }))
    }),
    /**
     * Every tick: the addresses learned since the last one, to every connected peer but itself. A
     * peer learned in the same tick gets them too: its handshake listed only what was known then.
     */
    gossipPeers: enqueueActions(({ context, enqueue }) => {
      const fresh = context.gossip
      context.gossip = []
      for (const [address, remote] of context.remotes) {
        const news = fresh.filter((a) => a !== address)
        if (remote.connected && news.length) enqueue.emit(send(address, { type: 'PEERS', peers: news }))
      }
      if (context.peersDirty) rememberPeers(context.dir, context.remotes.keys())
      context.peersDirty = false
    }),
    askForInfo: enqueueActions(({ context, enqueue }) => {
      if (context.info) return
      for (const [address, remote] of context.remotes) {
        if (remote.connected && remote.hasInfo) return enqueue.emit(send(address, { type: 'GET_INFO' }))
      }
    }),
    /** Tops up every peer's pipeline (each is refilled only once half empty). */
    fill: enqueueActions(({ context, enqueue }) => {
      if (!context.book || !context.scan || !scanDone(context.scan) || context.book.complete) return
      for (const address of context.remotes.keys()) {
        const { downloads, requests } = choose(context, address, downloadKey)
        for (const input of downloads) enqueue.spawnChild('download', { id: downloadKey(input.asked.part, input.asked.peer), input })
        for (const request of requests) enqueue.emit(request)
      }
    }),
    /** Tops up the pipeline of the peer that sent the event (news of what it holds, or a part's last block). */
    fillFrom: enqueueActions(({ context, event, enqueue }) => {
      if (!context.book || !context.scan || !scanDone(context.scan) || context.book.complete) return
      const address = sender(event)
      const { downloads, requests } = choose(context, address, downloadKey)
      for (const input of downloads) enqueue.spawnChild('download', { id: downloadKey(input.asked.part, input.asked.peer), input })
      for (const request of requests) enqueue.emit(request)
    }),
    probeSubnet: enqueueActions(({ context, enqueue }) => {
      const hello = { type: 'HELLO' as const, ...introduce(context) }
      for (const address of subnetAddresses(context.self)) if (!context.remotes.has(address)) enqueue.emit(send(address, hello, { unreachable: true }))
    }),
    widenProbe: assign({ probeDelay: ({ context }) => Math.min(context.probeDelay * 2, PROBE_MAX) }),
    resetProbe: assign({ probeDelay: PROBE_MIN }),
    // -- messages from peers --
    learnSender: enqueueActions(({ context, event, enqueue, check, self }) => {
      if (!isDelivered(event)) return
      learn(context, event.from, (address, mayAsk) => enqueue.spawnChild('peer', { id: peerId(address), input: { address, mayAsk, introduce: introducer(self) } }), check('exchangesPeers'))
    }),
    learnPeers: enqueueActions(({ context, event, enqueue, self }) => {
      const peers = event.type === 'PEERS' ? event.peers : event.type === 'peer.connected' ? event.hello.peers : []
      for (const address of Array.isArray(peers) ? peers : []) {
        learn(context, address, (a, mayAsk) => enqueue.spawnChild('peer', { id: peerId(a), input: { address: a, mayAsk, introduce: introducer(self) } }), true)
      }
    }),
    toPeer: enqueueActions(({ context, event, enqueue }) => {
      const address = event.type === 'net.unreachable' ? event.to : sender(event)
      if (context.remotes.has(address)) enqueue.sendTo(peerId(address), event)
    }),
    recordConnected: ({ context, event }) => {
      const { address, hello } = event as Extract<PeerReport, { type: 'peer.connected' }>
      const remote = context.remotes.get(address) as Remote
      remote.connected = true
      remote.hasInfo = hello.hasInfo
      remote.complete = hello.complete
    },
    /** After a handshake: FileInfo if we lack it, what we hold; or goodbye if both are complete. */
    greet: enqueueActions(({ context, event, enqueue }) => {
      const { address } = event as Extract<PeerReport, { type: 'peer.connected' }>
      const remote = context.remotes.get(address) as Remote
      if (context.book?.complete && remote.complete) return enqueue.sendTo(peerId(address), { type: 'peer.bye' } satisfies PeerCommand)
      if (remote.hasInfo && !context.info) enqueue.emit(send(address, { type: 'GET_INFO' }))
      if (context.scan && scanDone(context.scan)) enqueue.emit(bitfield(context, address))
    }),
    /** A peer's connection ended: its bitfield and the parts asked of it are forgotten. */
    forgetPeer: enqueueActions(({ context, event, enqueue }) => {
      const { address } = event as Extract<PeerReport, { type: 'peer.lost' }>
      const remote = context.remotes.get(address) as Remote
      for (const [key, asked] of [...context.asked]) {
        if (asked.peer !== address) continue
        unask(context, key)
        enqueue.stopChild(key)
      }
      uncount(context.book, remote)
      Object.assign(remote, { connected: false, have: null, complete: false })
    }),
    takeBitfield: ({ context, event }) => {
      if (event.type !== 'BITFIELD') return
      const remote = context.remotes.get(event.from) as Remote
      uncount(context.book, remote)
      remote.have = event.have instanceof Uint8Array ? event.have : null
      remote.complete = event.complete === true
      if (context.book) count(context.book, remote)
    },
    takeHave: ({ context, event }) => {
      if (event.type !== 'HAVE') return
      const remote = context.remotes.get(event.from) as Remote
      remote.complete = event.complete === true
      addParts(context.book, remote, Array.isArray(event.parts) ? event.parts : [])
    },
    takeNoPiece: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'NO_PIECE' || !context.book?.isPart(event.part)) return
      const key = downloadKey(event.part, event.from)
      if (unask(context, key)) enqueue.stopChild(key)
      removePart(context.book, context.remotes.get(event.from) as Remote, event.part)
    }),
    byeIfBothComplete: enqueueActions(({ context, event, enqueue }) => {
      const remote = context.remotes.get(sender(event))
      if (remote?.connected && remote.complete && context.book?.complete) enqueue.sendTo(peerId(sender(event)), { type: 'peer.bye' } satisfies PeerCommand)
    }),
    sendInfo: emit(({ context, event }) => send(sender(event), { type: 'INFO', info: context.info as FileInfo })),
    serve: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'REQUEST') return
      for (const effect of serve(context.book, context.file, event.from, event.parts)) enqueue.emit(effect)
    }),
    /**
     * A block goes into its part's buffer. With the last one the part's pipeline slot is free (its
     * hash is checked next), and its download hears that all are in, or that a block did not fit.
     */
    takeBlock: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'PIECE') return
      const key = downloadKey(event.part, event.from)
      const asked = context.asked.get(key)
      if (!asked || asked.received) return
      const result = takeBlock(asked, event.offset, event.data)
      if (result === 'arrived') {
        release(context, asked)
        enqueue.sendTo(key, { type: 'download.arrived' } satisfies BlockNews)
      } else if (result === 'bad') enqueue.sendTo(key, { type: 'download.badBlock' } satisfies BlockNews)
    }),
    toDownload: enqueueActions(({ context, event, enqueue }) => {
      const key = String((event as HashedEvent).id)
      if (context.asked.has(key)) enqueue.sendTo(key, event as HashedEvent)
    }),
    // -- reports from downloads --
    /** A download ended (its machine is final): no longer awaited, and no longer a child. */
    settleDownload: enqueueActions(({ context, event, enqueue }) => {
      const { part, peer } = event as DownloadReport
      const key = downloadKey(part, peer)
      unask(context, key)
      // xstate keeps a finished child until it is stopped, and copies the children on every spawn.
      enqueue.stopChild(key)
    }),
    /** Endgame: the other download of a part just verified is no longer wanted. */
    cancelDuplicates: enqueueActions(({ context, event, enqueue }) => {
      const { part } = event as DownloadReport
      for (const [key, asked] of [...context.asked]) {
        if (asked.part !== part) continue
        unask(context, key)
        enqueue.stopChild(key)
      }
    }),
    strike: enqueueActions(({ event, enqueue }) => {
      enqueue.sendTo(peerId((event as DownloadReport).peer), { type: 'peer.strike' } satisfies PeerCommand)
    }),
  },
}).createMachine({
  id: 'torrent',
  context: ({ input }) => ({
    self: input.address,
    dir: input.dataDir,
    boot: 1 + Math.floor(Math.random() * 2 ** 31),
    configured: new Set<string>(),
    info: null,
    book: null,
    file: null,
    scan: null,
    fileProblem: null,
    remotes: new Map(),
    asked: new Map(),
    inFlight: { bytes: 0 },
    gossip: [],
    peersDirty: false,
    probeDelay: PROBE_MIN,
  }),
  entry: 'readConf',
  type: 'parallel',
  states: {
    file: {
      initial: 'awaitingInfo',
      states: {
        awaitingInfo: {
          always: { guard: 'hasInfo', target: 'checking' },
          on: { INFO: { guard: 'usableInfo', actions: 'adoptInfo', target: 'checking' } },
        },
        checking: {
          entry: ['openFile', 'hashNextChunks'],
          always: [{ guard: 'fileUnusable', target: 'unusable' }, { guard: 'scanDone', target: 'leeching' }],
        },
        // data.bin is a directory, or not ours to write: one line, and nothing more to do.
        unusable: { entry: 'reportUnusableFile' },
        leeching: {
          entry: ['sendBitfields', 'fill'],
          always: { guard: 'hasEveryPart', target: 'complete' },
        },
        complete: {
          entry: ['printComplete', 'announceComplete'],
        },
      },
    },
    discovery: {
      initial: 'starting',
      states: {
        starting: { always: [{ guard: and(['mayProbe', 'knowsNobody']), target: 'probing' }, { target: 'watching' }] },
        watching: {
          after: { lonely: [{ guard: and(['mayProbe', 'isolated']), target: 'probing' }, { target: 'watching', reenter: true }] },
        },
        probing: {
          entry: 'probeSubnet',
          after: { probeBackoff: [{ guard: 'isolated', target: 'probing', reenter: true, actions: 'widenProbe' }, { target: 'watching', actions: 'resetProbe' }] },
        },
      },
    },
    clock: {
      initial: 'ticking',
      states: { ticking: { after: { tick: { target: 'ticking', reenter: true, actions: ['flushHave', 'gossipPeers', 'askForInfo', 'fill'] } } } },
    },
  },
  on: {
    HELLO: { actions: ['learnSender', 'toPeer'] },
    WELCOME: { actions: 'toPeer' },
    BYE: { actions: 'toPeer' },
    'net.unreachable': { actions: 'toPeer' },
    'peer.connected': [{ guard: 'exchangesPeers', actions: ['recordConnected', 'learnPeers', 'greet'] }, { actions: ['recordConnected', 'greet'] }],
    'peer.lost': { actions: 'forgetPeer' },
    PEERS: { guard: 'exchangesPeers', actions: ['learnSender', 'learnPeers'] },
    BITFIELD: { actions: ['learnSender', 'takeBitfield', 'byeIfBothComplete', 'fillFrom'] },
    HAVE: { actions: ['learnSender', 'takeHave', 'byeIfBothComplete', 'fillFrom'] },
    NO_PIECE: { actions: ['learnSender', 'takeNoPiece', 'fillFrom'] },
    GET_INFO: { guard: 'hasInfo', actions: ['learnSender', 'sendInfo'] },
    REQUEST: { actions: ['learnSender', 'serve'] },
    PIECE: { actions: ['takeBlock', 'fillFrom'] },
    'pool.hashed': [{ guard: 'scanJob', actions: ['recordScan', 'hashNextChunks'] }, { actions: 'toDownload' }],
    'download.verified': { actions: ['settleDownload', 'writePart', 'cancelDuplicates', 'fill'] },
    'download.failed': { actions: ['settleDownload', 'strike', 'fill'] },
  },
})

/** What a handshake says about this node. */
function introduce(context: Context): Omit<Hello, 'type'> {
  return { boot: context.boot, peers: [...context.remotes.keys()], hasInfo: context.info !== null, complete: context.book?.complete === true }
}

/** For a peer machine: what this node says in a handshake, read when it says it. */
function introducer(self: { getSnapshot(): { context: unknown } }): () => Omit<Hello, 'type'> {
  return () => introduce(self.getSnapshot().context as Context)
}

function bitfield(context: Context, address: string): NodeEffect {
  const book = context.book as PartBook
  return send(address, { type: 'BITFIELD', have: book.have.slice(), complete: book.complete }, { transfer: true })
}

/**
 * data.bin sized to exactly Size (cut, extended or created, in place), its book of parts, and the
 * check of what it holds. Exported for the known-bad variants that open it differently.
 */
export function openDataFile(context: Context, options: { truncate?: boolean } = {}): { file: DataFile; book: PartBook; scan: Scan } {
  const info = context.info as FileInfo
  const file = DataFile.open(join(context.dir, DATA_FILE), info.Size, { truncate: options.truncate ?? true })
  const book = new PartBook(info)
  for (const remote of context.remotes.values()) count(book, remote)
  return { file, book, scan: startScan(book, file.found) }
}

export default defineNode({ machine: torrentMachine, title: 'torrent node' })
