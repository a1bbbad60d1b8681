// The disk-client story (seed 000 §2): one session at a console against the Yandex.Disk emulator.
// Folders and files are made, listed, copied (the service answers 202 and the client polls the
// operation), moved, downloaded and deleted; the service says "later" with a 429 once and breaks a
// download off in the middle, and the client gets through both; then two errors, each one line.
// In real mode the emulator is the real HTTP server (npm run disk-emulator's) on loopback.
import { httpSecrets } from '../../runtime/index.ts'
import { defineScenario } from '../../lab/scenario/defineScenario.ts'
import { runClient } from './driver.ts'
import { parseFaults } from './emulator/faultSpec.ts'
import { startDiskEmulator, type RunningDiskEmulator } from './emulator/server.ts'
import { EXIT } from './messages.ts'

const TOKEN = 'AgAAAA-story-token'
/** A 429 on the first metadata request (the ls), and the first download cut after 300 KB. */
const FAULTS = '429@meta#1:1,reset-download@1:300000'
const EMULATOR = 'assignments/disk-client/emulator/node.ts'

export default defineScenario({
  title: 'disk-client: a console session against the Yandex.Disk API, with a 429 and a broken download',
  description:
    "The client runs one command per line, like the seed's disk-client.py, in a directory with a 1 MiB report. The Disk answers a folder copy with 202 (the client polls), " +
    'says 429 once (the client waits Retry-After), and breaks a download off mid-body (the client tries again and checks md5 and sha256).',
  async run(lab) {
    let server: RunningDiskEmulator | null = null
    if (lab.mode === 'real') server = await startDiskEmulator({ token: TOKEN, faults: FAULTS, opDurationMs: 1500 })
    const env: Record<string, string> = { DISK_TOKEN: TOKEN, ...(server ? { DISK_API_URL: server.url } : {}) }
    try {
      await lab.chapter(server ? `The Disk: the emulator's HTTP server at ${server.url}` : 'The Disk: the emulator, a node at cloud-api.yandex.net')
      const commands = 12
      const cluster = await lab.cluster({
        network: { latency: [2, 6] },
        secrets: httpSecrets,
        nodes: [
          ...(server ? [] : [{ name: 'disk', module: EMULATOR, address: 'cloud-api.yandex.net', config: { token: TOKEN, opDurationMs: 1500, faults: parseFaults(FAULTS) } }]),
          ...Array.from({ length: commands }, (_, i) => ({ name: `c${i + 1}`, role: 'client', address: `10.0.9.${i + 1}`, start: false, config: {} })),
        ],
      })
      let n = 0
      const report = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff)
      const run = async (argv: string[], why: string, options: { env?: Record<string, string>; files?: Record<string, Uint8Array> } = {}): Promise<void> => {
        await lab.say(`$ disk-client ${argv.join(' ')}   # ${why}`)
        const done = await runClient(cluster, `c${++n}`, argv, { env: options.env ?? env, ...(options.files ? { files: options.files } : {}), within: 120_000 })
        await lab.say(`${done.code === EXIT.ok ? '✓' : done.code === null ? '✗' : '·'} exit ${done.code ?? 'none'} after ${(done.ms / 1000).toFixed(2)} s: ${done.lines.join(' / ') || '(no lines)'}`)
      }
      await lab.chapter('Folders and files')
      await run(['mkdir', '/reports'], 'a folder')
      await run(['upload', 'report.bin', '/reports/2026.bin'], 'a 1 MiB file, sent in pieces of 256 KiB, at most 4 unacknowledged', { files: { 'report.bin': report } })
      await run(['ls', '/reports'], "the service says 429 (Retry-After: 1) to one of these: the client waits, asks again")
      await lab.chapter('A folder copy is an operation: 202, then polled until success')
      await run(['cp', '/reports', '/backup'], 'the copy takes the service 1.5 s')
      await run(['mv', '/backup/2026.bin', '/backup/old.bin'], 'a rename: 201 at once')
      await lab.chapter('A download broken off in the middle')
      await run(['download', '/reports/2026.bin', 'copy.bin'], 'the first try is cut after 300 KB; the partial file is removed and the download tried again')
      await run(['download', '/reports/2026.bin', 'copy.bin'], 'again into a file that exists: refused without --overwrite', { files: { 'copy.bin': new Uint8Array(1) } })
      await lab.chapter('Errors, each one line and its own exit code')
      await run(['rm', '/nope.txt'], 'nothing there: exit 3')
      await run(['cp', '/reports/2026.bin', '/backup/old.bin'], 'the target exists: exit 4')
      await run(['ls', '/'], 'a wrong token: exit 2, and the token is never printed', { env: { ...env, DISK_TOKEN: 'not-my-token' } })
      await run(['rm', '/backup', '--permanently'], 'the backup goes, not to the trash')
      await run(['info'], 'what is left')
    } finally {
      await server?.close()
    }
  },
})
