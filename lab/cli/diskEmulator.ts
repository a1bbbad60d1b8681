// `npm run disk-emulator`: a local Yandex.Disk REST API (docs/disk-emulator.md) in the foreground,
// for the disk-client assignment. It prints where it listens and how to authorise; Ctrl-C stops it.
import { DistlabError, messageOf } from '../../runtime/index.ts'
import { FAULTS_SYNTAX } from '../../assignments/disk-client/emulator/index.ts'
import { startDiskEmulator } from '../../assignments/disk-client/emulator/server.ts'
import { kleur } from '../format.ts'
import { parseFlags, parseTime, runCli } from './cli.ts'

const DEFAULT_TOKEN = 'distlab-disk-token'

const USAGE = `usage: npm run disk-emulator -- [--port N] [--token T] [--latency MS] [--faults SPEC] [--data DIR] [--quota BYTES]
  a local emulator of the Yandex.Disk REST API on 127.0.0.1 (docs/disk-emulator.md); Ctrl-C stops it
  --port     where it listens (default 0: a free port)
  --token    the OAuth token it accepts (default ${DEFAULT_TOKEN})
  --latency  extra delay before every answer: 200, 200ms or 0.2s (default 0)
  --faults   faults to inject: ${FAULTS_SYNTAX}
  --data     keep the disk in this directory, so it survives a restart (default: in memory)
  --quota    total_space in bytes (default 10737418240, 10 GiB)`

const FLAGS = {
  port: { type: 'string' },
  token: { type: 'string' },
  latency: { type: 'string' },
  faults: { type: 'string' },
  data: { type: 'string' },
  quota: { type: 'string' },
} as const

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(argv, FLAGS, USAGE)
  if (positionals.length > 0) throw new DistlabError('BAD_INPUT', `disk-emulator takes no arguments (got '${positionals.join(' ')}')\n${USAGE}`)
  const port = integer(values.port, '--port', 0)
  if (port > 65535) throw new DistlabError('BAD_INPUT', `--port must be 0 to 65535 (got '${values.port}')`)
  const token = values.token ?? DEFAULT_TOKEN
  if (!/^\S+$/.test(token)) throw new DistlabError('BAD_INPUT', '--token must be a word without spaces')
  const quota = values.quota === undefined ? undefined : integer(values.quota, '--quota', 0)
  const running = await startDiskEmulator({
    port,
    token,
    latencyMs: parseTime(values.latency, '--latency') ?? 0,
    ...(values.faults === undefined ? {} : { faults: values.faults }),
    ...(values.data === undefined ? {} : { dataDir: values.data }),
    ...(quota === undefined ? {} : { quota }),
  }).catch((err: unknown) => {
    if (err instanceof DistlabError) throw err
    throw new DistlabError('BAD_INPUT', `the emulator could not start: ${messageOf(err)}`)
  })
  process.stdout.write(`disk emulator on ${running.url} (${running.where})\n`)
  process.stdout.write(`  authorise with: Authorization: OAuth ${token}\n`)
  process.stdout.write(`  try: curl -H 'Authorization: OAuth ${token}' ${running.url}/v1/disk\n`)
  process.stdout.write(`  a client: DISK_API_URL=${running.url} DISK_TOKEN=${token}\n`)
  process.stderr.write(kleur.gray('Ctrl-C stops it\n'))
  await new Promise<void>((resolve) => {
    const stop = (why: string): void => {
      process.stderr.write(kleur.gray(`${why}: closing ${running.url}\n`))
      void running.close().then(resolve)
    }
    process.once('SIGINT', () => stop('interrupted'))
    process.once('SIGTERM', () => stop('terminated'))
  })
  return 0
})

function integer(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value)) throw new DistlabError('BAD_INPUT', `${flag} must be a non-negative integer (got '${value}')`)
  return Number(value)
}
