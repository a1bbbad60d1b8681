// The reference torrent node's logic: one object per incarnation that takes an event and returns
// the effects to emit. It keeps bulk state (bitfields, part buffers, the open data file) in place
// instead of copying it per event, so node.ts holds it in the machine's context as it is.
//
// - Start: read torrent.conf, size data.bin, hash every local part on the pool (SCAN_BYTES per job).
// - Peers: dial every known peer (HELLO, told when nobody is there), accept anyone, gossip known
//   addresses, persist them in the data directory; with nobody to talk to, probe the /24.
// - Transfer: rarest part first (ties broken by a per-incarnation random order), whole parts asked
//   of one peer, several in flight per peer and in total, sent back in BLOCK_SIZE pieces; a part
//   with no progress for PIECE_TIMEOUT is asked of someone else; in the endgame a part may be
//   asked of two peers. A part is written and announced only once its SHA-1 matches.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hash, print, send, subnetAddresses, ipv4Subnet, type Delivered, type HashedEvent, type NodeEffect, type NodeInput, type UnreachableEvent } from 'distlab/node'
import { COMPLETE_LINE, CONFIG_ERROR_PREFIX, CONF_FILE, DATA_FILE, partCount, type FileInfo } from 'distlab/protocol/torrent'
import { parseConf, readInfo } from './config.ts'
import type { Policy } from './policy.ts'
import { DataFile } from './storage.ts'
import { BLOCK_SIZE, type Bitfield, type Hello, type WireMessage } from './wire.ts'

export const TICK_MS = 100
const SCAN_BYTES = 4 << 20
const SCAN_IN_FLIGHT = 2
const PIPELINE_BYTES = 512 << 10
const PIPELINE_PARTS = 32
const NODE_IN_FLIGHT_BYTES = 4 << 20
const REQUEST_PARTS = 16
const PIECE_TIMEOUT = 3000
const DIAL_TIMEOUT = 1000
const BACKOFF_MIN = 250
const BACKOFF_MAX = 4000
const PROBE_MIN = 1000
const PROBE_MAX = 8000
/** With no connected peer for this long, an incomplete node probes the /24. */
const LONELY_MS = 2000
/** Timeouts (or bad parts) after which a peer is treated as gone until it is dialed again. */
const STRIKES = 2
const PEERS_FILE = 'peers.json'
/** Parts written so far: kept only by a node that trusts it (policy.trustSavedParts). */
const SAVED_PARTS_FILE = 'parts.json'
/** FileInfo learned from a peer, kept for the next incarnation (its peers may all be down then). */
const INFO_FILE = 'fileinfo.json'
/** Written at the first start; only the losing-progress variant reads it. */
const STARTED_FILE = 'started'

type PeerState = 'idle' | 'dialing' | 'connected' | 'closed'

interface Peer {
  address: string
  state: PeerState
  /** Their incarnation's random id; 0 before the first handshake. */
  boot: number
  /** Their bitfield (one byte per part), once sent; counted in `avail` when it fits our FileInfo. */
  have: Uint8Array | null
  counted: boolean
  hasInfo: boolean
  complete: boolean
  /** Whether we ask this peer for parts (the no-peer-exchange variant asks only configured ones). */
  canAsk: boolean
  /** Bytes and parts asked of it and not yet received. */
  bytes: number
  parts: number
  nextDial: number
  backoff: number
  dialedAt: number
  strikes: number
}

interface Download {
  part: number
  peer: Peer
  length: number
  data: Uint8Array | null
  got: number
  /** Virtual time of the last progress: asked, or a block received. */
  since: number
  verifying: boolean
}

export type TorrentEvent = Delivered<WireMessage> | HashedEvent | UnreachableEvent

export class Torrent {
  readonly self: string
  readonly boot = 1 + Math.floor(Math.random() * 2 ** 31)
  private readonly dir: string
  info: FileInfo | null = null
  private file: DataFile | null = null
  /** Parts in the file (0 until FileInfo is known). */
  parts = 0
  private have = new Uint8Array(0)
  haveCount = 0
  /** Known peers holding each part; downloads in progress for each part. */
  private avail = new Uint16Array(0)
  private active = new Uint8Array(0)
  /** Parts in a random order: the tie-break among equally rare parts. */
  private order: Uint32Array = new Uint32Array(0)
  private scanNext = 0
  /** The scan covers the parts before this one (see zeroTail). */
  private scanEnd = 0
  private scanInFlight = 0
  scanned = false
  complete = false
  readonly peers = new Map<string, Peer>()
  private readonly configured: Set<string>
  private readonly downloads = new Map<string, Download>()
  private inFlightBytes = 0
  private pendingHave: number[] = []
  private newPeers: string[] = []
  private peersDirty = false
  private dialsDue = true
  private lastConnected: number
  private probeAt = 0
  private probeDelay = PROBE_MIN
  private readonly wipe: boolean

  constructor(
    input: NodeInput,
    private readonly policy: Policy,
  ) {
    this.self = input.address
    this.dir = input.dataDir
    this.lastConnected = Date.now()
    const started = join(this.dir, STARTED_FILE)
    this.wipe = !policy.keepProgress && existsSync(started)
    if (!policy.keepProgress) writeFileSync(started, '')
    this.configured = new Set()
  }

  get hasInfo(): boolean {
    return this.info !== null
  }

  /** Reads the configuration and the node's own data; dials or probes. */
  start(): NodeEffect[] {
    const out: NodeEffect[] = []
    const conf = parseConf(readText(join(this.dir, CONF_FILE)))
    for (const problem of conf.problems) out.push(print(`${CONFIG_ERROR_PREFIX} ${problem}`))
    for (const address of conf.peers) {
      if (address === this.self) continue
      this.configured.add(address)
      this.learn(address)
    }
    if (this.policy.peerExchange) for (const address of readRemembered(join(this.dir, PEERS_FILE))) this.learn(address)
    this.peersDirty = false
    this.newPeers = []
    const info = conf.info ?? readInfo(parseJson(readText(join(this.dir, INFO_FILE))), [])
    if (info) this.adoptInfo(info, out)
    this.dial(out)
    if (this.peers.size === 0) this.probe(out, true)
    this.checkComplete(out)
    return out
  }

  handle(event: TorrentEvent): NodeEffect[] {
    const out: NodeEffect[] = []
    switch (event.type) {
      case 'pool.hashed':
        this.hashed(event, out)
        break
      case 'net.unreachable':
        this.unreachable(event.to)
        break
      default:
        this.message(event, out)
    }
    if (this.dialsDue) this.dial(out)
    this.checkComplete(out)
    return out
  }

  /** Every TICK_MS: timeouts, redials, batched announcements, probing, and a refill. */
  tick(): NodeEffect[] {
    const out: NodeEffect[] = []
    const now = Date.now()
    for (const d of [...this.downloads.values()]) {
      if (d.verifying || now - d.since < PIECE_TIMEOUT) continue
      this.drop(d)
      this.strike(d.peer)
    }
    this.dial(out)
    this.flushHave(out)
    this.flushPeers(out)
    let connected = false
    for (const peer of this.peers.values()) if (peer.state === 'connected' || peer.state === 'closed') connected = true
    if (connected) {
      this.lastConnected = now
      this.probeDelay = PROBE_MIN
    } else if (!this.complete && now - this.lastConnected >= LONELY_MS) this.probe(out, false)
    if (!this.info) {
      for (const peer of this.peers.values()) {
        if (peer.state === 'connected' && peer.hasInfo) {
          out.push(send(peer.address, { type: 'GET_INFO' }))
          break
        }
      }
    }
    this.fill(out)
    this.checkComplete(out)
    return out
  }

  // ---- the file ----------------------------------------------------------------------------

  private adoptInfo(info: FileInfo, out: NodeEffect[]): void {
    this.info = info
    this.parts = partCount(info.Size, info.PartSize)
    this.file = DataFile.open(join(this.dir, DATA_FILE), info.Size, { truncate: this.policy.truncate, wipe: this.wipe })
    this.have = new Uint8Array(this.parts)
    this.avail = new Uint16Array(this.parts)
    this.active = new Uint8Array(this.parts)
    this.order = shuffled(this.parts)
    for (const peer of this.peers.values()) this.count(peer)
    if (!this.policy.verify) {
      // Trusts whatever whole parts the file already had.
      const whole = Math.min(Math.floor(this.file.found / info.PartSize), this.parts)
      for (let part = 0; part < whole; part++) this.gain(part)
      if (this.file.found >= info.Size) for (let part = whole; part < this.parts; part++) this.gain(part)
      this.scanNext = this.parts
    } else {
      this.scanEnd = this.zeroTail(info, this.file.found)
      if (this.policy.trustSavedParts) for (const part of readSavedParts(join(this.dir, SAVED_PARTS_FILE), this.parts)) this.gain(part)
    }
    this.scan(out)
  }

  /**
   * Parts that lie wholly past the file's old end are zeros now (the file was extended): they are
   * right only if their hash is that of zeros, which is computed once instead of hashing the
   * (sparse) tail of a fresh 1 GB file. Returns the first such part: the scan stops there.
   */
  private zeroTail(info: FileInfo, found: number): number {
    const first = Math.min(this.parts, Math.ceil(found / info.PartSize))
    const digests = new Map<number, string>()
    for (let part = first; part < this.parts; part++) {
      const length = Math.min(info.PartSize, info.Size - part * info.PartSize)
      let digest = digests.get(length)
      if (digest === undefined) digests.set(length, (digest = createHash('sha1').update(new Uint8Array(length)).digest('hex')))
      if (info.Parts?.[part] === digest) this.gain(part)
    }
    return first
  }

  /** Hashes the next chunks of the node's own file, SCAN_IN_FLIGHT jobs at a time. */
  private scan(out: NodeEffect[]): void {
    const info = this.info as FileInfo
    const file = this.file as DataFile
    const perJob = Math.max(1, Math.floor(SCAN_BYTES / info.PartSize))
    while (this.scanInFlight < SCAN_IN_FLIGHT && this.scanNext < this.scanEnd) {
      const first = this.scanNext
      const last = Math.min(this.scanEnd, first + perJob)
      const offset = first * info.PartSize
      const end = Math.min(info.Size, last * info.PartSize)
      out.push(hash(`scan:${first}`, file.read(offset, end - offset), { partSize: info.PartSize }))
      this.scanNext = last
      this.scanInFlight++
    }
    if (this.scanNext >= this.scanEnd && this.scanInFlight === 0 && !this.scanned) {
      this.scanned = true
      for (const peer of this.peers.values()) if (peer.state === 'connected') this.sendBitfield(peer, out)
      this.pendingHave = []
      this.fill(out)
    }
  }

  private hashed(event: HashedEvent, out: NodeEffect[]): void {
    const id = String(event.id)
    const info = this.info
    if (!info) return
    if (id.startsWith('scan:')) {
      const first = Number(id.slice(5))
      event.digests.forEach((digest, i) => {
        if (digest === info.Parts?.[first + i] && !this.have[first + i]) this.gain(first + i)
      })
      this.scanInFlight--
      this.scan(out)
      return
    }
    const [part, address] = splitKey(id.slice(5))
    const download = this.downloads.get(key(part, address))
    if (!download || !download.verifying) return
    this.drop(download)
    if (event.digests[0] === info.Parts?.[download.part]) this.accept(download.part, event.data)
    else this.strike(download.peer)
    this.fill(out)
  }

  /** A verified part: written in place, then announced (with the next tick's HAVE). */
  private accept(part: number, data: Uint8Array): void {
    if (this.have[part]) return
    ;(this.file as DataFile).write(part * (this.info as FileInfo).PartSize, data)
    this.gain(part)
    if (this.policy.trustSavedParts) writeFileSync(join(this.dir, SAVED_PARTS_FILE), JSON.stringify([...this.have.keys()].filter((i) => this.have[i])))
    // Endgame duplicates of this part are no longer wanted.
    if (this.active[part]) for (const peer of this.peers.values()) {
      const other = this.downloads.get(key(part, peer.address))
      if (other) this.drop(other)
    }
  }

  private gain(part: number): void {
    if (this.have[part]) return
    this.have[part] = 1
    this.haveCount++
    if (this.scanned) this.pendingHave.push(part)
  }

  private checkComplete(out: NodeEffect[]): void {
    if (this.complete || !this.scanned || this.haveCount < this.parts) return
    this.complete = true
    out.push(print(COMPLETE_LINE))
    this.flushHave(out, true)
    for (const peer of this.peers.values()) this.maybeBye(peer, out)
  }

  // ---- peers -------------------------------------------------------------------------------

  private learn(address: string, options: { inbound?: boolean } = {}): Peer | null {
    if (address === this.self) return null
    let peer = this.peers.get(address)
    if (peer) return peer
    peer = {
      address,
      state: 'idle',
      boot: 0,
      have: null,
      counted: false,
      hasInfo: false,
      complete: false,
      canAsk: this.policy.peerExchange || this.configured.has(address),
      bytes: 0,
      parts: 0,
      nextDial: 0,
      backoff: BACKOFF_MIN,
      dialedAt: 0,
      strikes: 0,
    }
    this.peers.set(address, peer)
    if (this.policy.peerExchange) {
      this.newPeers.push(address)
      this.peersDirty = true
    }
    if (!options.inbound) this.dialsDue = true
    return peer
  }

  /** Says HELLO to every idle peer whose backoff has passed; gives up on dials left unanswered. */
  private dial(out: NodeEffect[]): void {
    this.dialsDue = false
    const now = Date.now()
    for (const peer of this.peers.values()) {
      if (peer.state === 'dialing' && now - peer.dialedAt >= DIAL_TIMEOUT) this.backOff(peer)
      if (peer.state !== 'idle' || !peer.canAsk || now < peer.nextDial) continue
      peer.state = 'dialing'
      peer.dialedAt = now
      out.push(send(peer.address, this.hello('HELLO'), { unreachable: true }))
    }
  }

  private hello<T extends 'HELLO' | 'WELCOME'>(type: T): Omit<Hello, 'type'> & { type: T } {
    return { type, boot: this.boot, peers: this.policy.peerExchange ? [...this.peers.keys()] : [], hasInfo: this.info !== null, complete: this.complete }
  }

  private backOff(peer: Peer): void {
    this.forget(peer)
    peer.state = 'idle'
    peer.nextDial = Date.now() + peer.backoff
    peer.backoff = Math.min(peer.backoff * 2, BACKOFF_MAX)
  }

  private unreachable(address: string): void {
    const peer = this.peers.get(address)
    if (peer && peer.state !== 'closed') this.backOff(peer)
  }

  private strike(peer: Peer): void {
    if (++peer.strikes >= STRIKES && peer.state === 'connected') this.backOff(peer)
  }

  /** Everything we held about a peer's current incarnation: its bitfield, our requests to it. */
  private forget(peer: Peer): void {
    for (const d of [...this.downloads.values()]) if (d.peer === peer) this.drop(d)
    this.uncount(peer)
    peer.have = null
    peer.complete = false
  }

  /** A handshake (HELLO or WELCOME): a restarted peer's old state is forgotten. */
  private connect(peer: Peer, hello: Omit<Hello, 'type'>): void {
    if (peer.boot !== hello.boot) this.forget(peer)
    peer.boot = hello.boot
    peer.state = 'connected'
    peer.hasInfo = hello.hasInfo
    peer.complete = hello.complete
    peer.backoff = BACKOFF_MIN
    peer.strikes = 0
    if (this.policy.peerExchange) for (const address of hello.peers) this.learn(address)
  }

  /** After a handshake: what we hold, what we lack; or goodbye when there is nothing to trade. */
  private greet(peer: Peer, out: NodeEffect[]): void {
    if (this.complete && peer.complete) return this.maybeBye(peer, out)
    if (peer.hasInfo && !this.info) out.push(send(peer.address, { type: 'GET_INFO' }))
    if (this.scanned) this.sendBitfield(peer, out)
  }

  private sendBitfield(peer: Peer, out: NodeEffect[]): void {
    const bitfield: Bitfield = { type: 'BITFIELD', have: this.have.slice(), complete: this.complete }
    out.push(send(peer.address, bitfield, { transfer: true }))
  }

  private maybeBye(peer: Peer, out: NodeEffect[]): void {
    if (!this.complete || !peer.complete || peer.state !== 'connected') return
    out.push(send(peer.address, { type: 'BYE' }))
    this.close(peer)
  }

  private close(peer: Peer): void {
    this.forget(peer)
    peer.state = 'closed'
  }

  private count(peer: Peer): void {
    if (peer.counted || !peer.have || peer.have.length !== this.parts) return
    for (let part = 0; part < this.parts; part++) if (peer.have[part]) (this.avail[part] as number)++
    peer.counted = true
  }

  private uncount(peer: Peer): void {
    if (!peer.counted || !peer.have) return
    for (let part = 0; part < this.parts; part++) if (peer.have[part]) (this.avail[part] as number)--
    peer.counted = false
  }

  private flushHave(out: NodeEffect[], all = false): void {
    if (!this.pendingHave.length && !all) return
    const parts = this.pendingHave
    this.pendingHave = []
    for (const peer of this.peers.values()) {
      if (peer.state === 'connected' && (all || !peer.complete)) out.push(send(peer.address, { type: 'HAVE', parts, complete: this.complete }))
    }
  }

  private flushPeers(out: NodeEffect[]): void {
    if (this.newPeers.length) {
      const peers = this.newPeers
      this.newPeers = []
      for (const peer of this.peers.values()) if (peer.state === 'connected' && !peers.includes(peer.address)) out.push(send(peer.address, { type: 'PEERS', peers }))
    }
    if (this.peersDirty) {
      this.peersDirty = false
      writeFileSync(join(this.dir, PEERS_FILE), JSON.stringify([...this.peers.keys()]))
    }
  }

  /** Looks for peers on every other address of the /24 (the probes are HELLOs). */
  private probe(out: NodeEffect[], first: boolean): void {
    const now = Date.now()
    if (!this.policy.probe || ipv4Subnet(this.self) === null || (!first && now < this.probeAt)) return
    this.probeAt = now + this.probeDelay
    this.probeDelay = Math.min(this.probeDelay * 2, PROBE_MAX)
    const hello = this.hello('HELLO')
    for (const address of subnetAddresses(this.self)) if (!this.peers.has(address)) out.push(send(address, hello, { unreachable: true }))
  }

  // ---- messages ----------------------------------------------------------------------------

  private message(msg: Delivered<WireMessage>, out: NodeEffect[]): void {
    const peer = this.learn(msg.from, { inbound: true })
    if (!peer) return
    switch (msg.type) {
      case 'HELLO':
        this.connect(peer, msg)
        out.push(send(peer.address, this.hello('WELCOME')))
        this.greet(peer, out)
        break
      case 'WELCOME':
        this.connect(peer, msg)
        this.greet(peer, out)
        break
      case 'BITFIELD':
        this.uncount(peer)
        peer.have = msg.have instanceof Uint8Array ? msg.have : null
        peer.complete = msg.complete
        this.count(peer)
        this.maybeBye(peer, out)
        this.fillPeer(peer, out)
        break
      case 'HAVE':
        peer.complete = msg.complete
        if (peer.have && peer.counted) {
          for (const part of msg.parts) {
            if (part >= 0 && part < this.parts && !peer.have[part]) {
              peer.have[part] = 1
              ;(this.avail[part] as number)++
            }
          }
        }
        this.maybeBye(peer, out)
        this.fillPeer(peer, out)
        break
      case 'PEERS':
        if (this.policy.peerExchange) for (const address of msg.peers) this.learn(address)
        break
      case 'GET_INFO':
        if (this.info) out.push(send(peer.address, { type: 'INFO', info: this.info }))
        break
      case 'INFO':
        if (!this.info) this.receiveInfo(msg.info, out)
        break
      case 'REQUEST':
        this.serve(peer, msg.parts, out)
        break
      case 'PIECE':
        this.piece(peer, msg.part, msg.offset, msg.data, out)
        break
      case 'NO_PIECE': {
        const d = this.downloads.get(key(msg.part, peer.address))
        if (d) this.drop(d)
        if (peer.have?.[msg.part] && peer.counted) {
          peer.have[msg.part] = 0
          ;(this.avail[msg.part] as number)--
        }
        this.fillPeer(peer, out)
        break
      }
      case 'BYE':
        this.close(peer)
        break
    }
  }

  private receiveInfo(value: unknown, out: NodeEffect[]): void {
    const info = readInfo(value, [])
    if (!info) return
    writeFileSync(join(this.dir, INFO_FILE), JSON.stringify(info))
    this.adoptInfo(info, out)
  }

  private serve(peer: Peer, parts: number[], out: NodeEffect[]): void {
    const info = this.info
    for (const part of parts) {
      if (!info || !Number.isInteger(part) || part < 0 || part >= this.parts || !this.have[part]) {
        out.push(send(peer.address, { type: 'NO_PIECE', part }))
        continue
      }
      const start = part * info.PartSize
      const length = Math.min(info.PartSize, info.Size - start)
      // One read per part; each block gets a buffer of its own, handed over with its message.
      const bytes = (this.file as DataFile).read(start, length)
      for (let offset = 0; offset < length; offset += BLOCK_SIZE) {
        const data = length <= BLOCK_SIZE ? bytes : bytes.slice(offset, offset + BLOCK_SIZE)
        out.push(send(peer.address, { type: 'PIECE', part, offset, data }, { transfer: true }))
      }
    }
  }

  private piece(peer: Peer, part: number, offset: number, data: Uint8Array, out: NodeEffect[]): void {
    const d = this.downloads.get(key(part, peer.address))
    if (!d || d.verifying) return
    if (!(data instanceof Uint8Array) || offset < 0 || offset + data.length > d.length) {
      this.drop(d)
      this.strike(peer)
      return
    }
    d.data ??= new Uint8Array(d.length)
    d.data.set(data, offset)
    d.got += data.length
    d.since = Date.now()
    if (d.got < d.length) return
    // The pipeline slot frees now: the next parts are asked for while this one is checked.
    d.verifying = true
    this.release(d)
    // The buffer goes to the pool and comes back with the digest.
    const bytes = d.data
    d.data = null
    if (this.policy.verify) out.push(hash(`part:${key(part, peer.address)}`, bytes))
    else {
      this.drop(d)
      this.accept(part, bytes)
    }
    this.fillPeer(peer, out)
  }

  // ---- asking for parts --------------------------------------------------------------------

  private fill(out: NodeEffect[]): void {
    for (const peer of this.peers.values()) this.fillPeer(peer, out)
  }

  /** Tops up what `peer` is asked for, when its pipeline is half empty. */
  private fillPeer(peer: Peer, out: NodeEffect[]): void {
    if (!this.scanned || this.complete || peer.state !== 'connected' || !peer.canAsk || !peer.counted) return
    const info = this.info as FileInfo
    const room = Math.min(PIPELINE_BYTES - peer.bytes, NODE_IN_FLIGHT_BYTES - this.inFlightBytes)
    const slots = PIPELINE_PARTS - peer.parts
    // Refilled in bulk (each fill scans every part), so only once half the pipeline is free.
    if (peer.parts > 0 && (room < PIPELINE_BYTES / 2 || slots < PIPELINE_PARTS / 2)) return
    if (room <= 0 || slots <= 0) return
    const chosen = this.pick(peer, slots, room)
    if (!chosen.length) return
    const now = Date.now()
    for (const part of chosen) {
      const length = Math.min(info.PartSize, info.Size - part * info.PartSize)
      const d: Download = { part, peer, length, data: null, got: 0, since: now, verifying: false }
      this.downloads.set(key(part, peer.address), d)
      ;(this.active[part] as number)++
      peer.bytes += length
      peer.parts++
      this.inFlightBytes += length
    }
    for (let i = 0; i < chosen.length; i += REQUEST_PARTS) out.push(send(peer.address, { type: 'REQUEST', parts: chosen.slice(i, i + REQUEST_PARTS) }))
  }

  /**
   * The rarest parts `peer` has and we lack, up to `slots` parts and `room` bytes (at least one).
   * When every missing part is already asked for (the endgame), parts asked of someone else.
   */
  private pick(peer: Peer, slots: number, room: number): number[] {
    const have = peer.have as Uint8Array
    const buckets: number[][] = []
    const endgame: number[] = []
    let unasked = 0
    for (const part of this.order) {
      if (this.have[part]) continue
      if (this.active[part] === 0) unasked++
      if (!have[part]) continue
      if (this.active[part] === 0) (buckets[this.avail[part] as number] ??= []).push(part)
      else if (this.active[part] === 1 && !this.downloads.has(key(part, peer.address))) endgame.push(part)
    }
    const candidates = unasked === 0 ? endgame : buckets.flat()
    const info = this.info as FileInfo
    const chosen: number[] = []
    let bytes = 0
    for (const part of candidates) {
      if (chosen.length >= slots || (chosen.length > 0 && bytes >= room)) break
      chosen.push(part)
      bytes += Math.min(info.PartSize, info.Size - part * info.PartSize)
    }
    return chosen
  }

  /** Frees a download's pipeline slot (once). */
  private release(d: Download): void {
    d.peer.bytes -= d.length
    d.peer.parts--
    this.inFlightBytes -= d.length
  }

  private drop(d: Download): void {
    if (this.downloads.get(key(d.part, d.peer.address)) !== d) return
    this.downloads.delete(key(d.part, d.peer.address))
    ;(this.active[d.part] as number)--
    if (!d.verifying) this.release(d)
  }
}

function key(part: number, address: string): string {
  return `${part}:${address}`
}

function splitKey(text: string): [number, string] {
  const colon = text.indexOf(':')
  return [Number(text.slice(0, colon)), text.slice(colon + 1)]
}

function readText(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null
}

function readRemembered(path: string): string[] {
  const value = parseJson(readText(path))
  return Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string') : []
}

function readSavedParts(path: string, parts: number): number[] {
  const value = parseJson(readText(path))
  return Array.isArray(value) ? value.filter((p): p is number => Number.isInteger(p) && p >= 0 && p < parts) : []
}

/** What a file the node wrote itself holds, or null when it is missing or unreadable. */
function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text)
  } catch {
    return null
  }
}

/** 0..n-1 in a random order (the node's seeded Math.random). */
function shuffled(n: number): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const t = order[i] as number
    order[i] = order[j] as number
    order[j] = t
  }
  return order
}
