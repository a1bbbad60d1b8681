// `npm run disk-client -- COMMAND ARGS`: the disk-client (the reference, or `--solution DIR`) as the
// program the seed asks for: it runs one command in the current directory, prints its lines, and
// exits with the client's code. It speaks real HTTP to DISK_API_URL, which must be on this
// machine (`npm run disk-emulator` prints one): real mode reaches loopback addresses only.
import { findAssignment } from '../../assignments/registry.ts'
import { DEFAULT_API_URL, type ExitResult } from '../../assignments/disk-client/messages.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { Cluster, DistlabError, httpSecrets, messageOf, wireOptions } from '../../runtime/index.ts'
import { kleur } from '../format.ts'
import { runCli } from './cli.ts'

const USAGE = `usage: npm run disk-client -- COMMAND [ARGS] [--token-file FILE] [--solution DIR]
  the disk-client, run in this directory; COMMAND is ls, info, mkdir, rm, mv, cp, upload or download (--help lists them)
  DISK_TOKEN    the OAuth token (or --token-file FILE, or {"token": ...} in .disk-client.json)
  DISK_API_URL  the service, on this machine: start one with npm run disk-emulator
  --solution    run your client instead of the reference (a directory with client.ts)`

// Its exit codes are the disk-client's own (spec.md, "Errors"): a usage error is 1, not the lab's 2.
await runCli(USAGE, async (argv) => {
  const at = argv.indexOf('--solution')
  const solutionDir = at >= 0 ? argv[at + 1] : undefined
  if (at >= 0 && solutionDir === undefined) throw new DistlabError('BAD_INPUT', `--solution needs a directory\n${USAGE}`)
  const args = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv
  const env: Record<string, string> = {}
  for (const name of ['DISK_TOKEN', 'DISK_API_URL']) if (process.env[name]) env[name] = process.env[name] as string
  const url = env.DISK_API_URL ?? DEFAULT_API_URL
  const host = /^https?:\/\/([^/:]+)/.exec(url)?.[1] ?? ''
  const help = args.includes('--help') || args.includes('-h') || args[0] === 'help'
  if (!help && !/^(127\.\d+\.\d+\.\d+|localhost)$/.test(host)) {
    throw new DistlabError('BAD_INPUT', `DISK_API_URL is ${url}: the lab reaches only this machine. Start the emulator (npm run disk-emulator) and set DISK_API_URL to the address it prints`)
  }
  if (env.DISK_API_URL) env.DISK_API_URL = url.replace('//localhost', '//127.0.0.1')
  const assignment = findAssignment('disk-client')
  const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, solutionDir)
  const cluster = await Cluster.start({
    ...wireOptions(assignment.wire),
    secrets: httpSecrets,
    nodes: [{ name: 'disk-client', role: 'client', module: solution.module('client'), address: '127.0.0.1:0', dataDir: workingDirectory(), config: { argv: args, env, tty: process.stderr.isTTY === true } }],
    trace: {
      listener: (record) => {
        if (record.kind === 'console') process.stdout.write(`${record.line}\n`)
        else if (record.kind === 'prompt') process.stderr.write(kleur.gray(record.text))
        else if (record.kind === 'node.error') process.stderr.write(kleur.red(`${record.error}\n`))
      },
    },
  })
  const app = cluster.app('disk-client')
  const interrupted = (): void => void cluster.stop()
  process.once('SIGINT', interrupted)
  try {
    await cluster.until(() => app.inbox.some((m) => m.type === 'exit'), { timeout: 24 * 3600_000, what: 'the client to finish' })
    const exit = app.inbox.find((m) => m.type === 'exit') as ExitResult | undefined
    return exit?.code ?? 1
  } catch (err) {
    process.stderr.write(kleur.red(`the client failed: ${messageOf(err)}\n`))
    return 1
  } finally {
    process.off('SIGINT', interrupted)
    await cluster.stop()
  }
}, { ownHelp: true, errorExitCode: 1 })

/** Where the user typed the command: npm runs scripts in the package's root and says where it was started in INIT_CWD. */
function workingDirectory(): string {
  return process.env.INIT_CWD ?? process.cwd()
}
