// Which of Node's built-in modules node code may use, and why the others are refused. One table,
// read twice: when node code is bundled (a clear build error at the import) and inside the worker
// (a module reached some other way, `import(name)` with a computed name say, is disabled there).
// A node talks to the world only through effects; anything that reaches the network, another
// thread, another process, the inspector, or a source of nondeterminism the runtime cannot seed
// is refused.

/** Built-ins node code may import (some are narrowed inside the worker: fs, crypto, timers). */
export const ALLOWED_BUILTINS: ReadonlySet<string> = new Set([
  'assert',
  'assert/strict',
  'buffer',
  'crypto', // random draws follow the seed; key generation is refused
  'events',
  'fs', // only the node's own data directory, synchronous calls only
  'path',
  'path/posix',
  'path/win32',
  'punycode',
  'querystring',
  'stream',
  'string_decoder',
  'timers', // setTimeout/setInterval on the virtual clock; setImmediate is refused
  'url',
  'util',
  'util/types',
  'zlib', // synchronous calls only
])

const NETWORK = 'nodes talk only through send() and reply(); the runtime carries every message'
const ASYNC = 'node code must be synchronous: its callbacks would run on real time, between events'
const PROCESSES = 'node code runs confined: no other processes, threads or debuggers'
const MACHINE = 'its answers depend on the machine, so the same seed would not give the same run'

/** Why a built-in is refused; also the list of refused ones. */
export const REFUSED_BUILTINS: ReadonlyMap<string, string> = new Map([
  ['net', NETWORK],
  ['dgram', NETWORK],
  ['dns', NETWORK],
  ['dns/promises', NETWORK],
  ['http', NETWORK],
  ['https', NETWORK],
  ['http2', NETWORK],
  ['tls', NETWORK],
  ['_http_agent', NETWORK],
  ['_http_client', NETWORK],
  ['_http_common', NETWORK],
  ['_http_incoming', NETWORK],
  ['_http_outgoing', NETWORK],
  ['_http_server', NETWORK],
  ['_tls_common', NETWORK],
  ['_tls_wrap', NETWORK],
  ['child_process', PROCESSES],
  ['cluster', PROCESSES],
  ['worker_threads', PROCESSES],
  ['inspector', PROCESSES],
  ['inspector/promises', PROCESSES],
  ['repl', PROCESSES],
  ['module', PROCESSES],
  ['vm', 'a new context has its own Math.random and Date, which do not follow the seed'],
  ['v8', PROCESSES],
  ['wasi', PROCESSES],
  ['trace_events', PROCESSES],
  ['async_hooks', PROCESSES],
  ['diagnostics_channel', PROCESSES],
  ['domain', PROCESSES],
  ['os', MACHINE],
  ['perf_hooks', `${MACHINE}; use performance.now(), which follows virtual time`],
  ['process', 'use the global `process`'],
  ['readline', 'console input arrives as `stdin` events'],
  ['readline/promises', 'console input arrives as `stdin` events'],
  ['tty', 'console output is print() (graded lines) or console.log (the trace)'],
  ['fs/promises', `${ASYNC}; use the *Sync functions of node:fs`],
  ['timers/promises', `${ASYNC}; use xstate delays (after: { 500: ... })`],
  ['stream/promises', ASYNC],
  ['stream/consumers', ASYNC],
  ['stream/web', ASYNC],
  ['sys', 'use node:util'],
  ['constants', 'use the `constants` of node:fs or node:os'],
  ['console', 'use the global `console`'],
  ['_stream_duplex', 'use node:stream'],
  ['_stream_passthrough', 'use node:stream'],
  ['_stream_readable', 'use node:stream'],
  ['_stream_transform', 'use node:stream'],
  ['_stream_wrap', PROCESSES],
  ['_stream_writable', 'use node:stream'],
])

/** `node:fs` and `fs` name the same module; anything else is not a built-in (null). */
export function builtinName(specifier: string): string | null {
  const name = specifier.startsWith('node:') ? specifier.slice(5) : specifier
  return ALLOWED_BUILTINS.has(name) || REFUSED_BUILTINS.has(name) || specifier.startsWith('node:') ? name : null
}

/** Null when node code may import `specifier`, else the sentence that says why not. */
export function refusal(specifier: string): string | null {
  const name = builtinName(specifier)
  if (name === null || ALLOWED_BUILTINS.has(name)) return null
  const why = REFUSED_BUILTINS.get(name) ?? 'it is not one of the built-ins node code may use'
  return `node code cannot use 'node:${name}': ${why} (allowed: ${[...ALLOWED_BUILTINS].filter((n) => !n.includes('/')).join(', ')})`
}
