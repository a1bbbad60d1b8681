// `npm run node -- <assignment> <role> --address 127.0.0.1:PORT`: one node in real mode, in the
// foreground, so programs outside the lab (a Python client, netcat, another lab) can talk to it.
// Its console lines go to stdout, lines typed on stdin are its console input, Ctrl-C stops it.
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { findAssignment } from '../../assignments/registry.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { Cluster, DistlabError, messageOf, wireOptions } from '../../runtime/index.ts'
import { kleur } from '../format.ts'
import { parseFlags, runCli } from './cli.ts'
import { usage } from './help.ts'

const USAGE = usage('node')

const COMMON = { address: { type: 'string' }, config: { type: 'string' }, solution: { type: 'string' }, peers: { type: 'string' } } as const

await runCli(USAGE, async (argv) => {
  // The assignment may add flags of its own (leader-kv: --leader, --servers): find it first.
  const assignment = findAssignment(argv.find((a) => !a.startsWith('-')))
  const own = assignment.nodeOptions?.flags ?? {}
  const usage = `${USAGE}${Object.entries(own).map(([flag, what]) => `\n  --${flag.padEnd(9)} ${what}`).join('')}`
  const flags = Object.fromEntries(Object.keys(own).map((flag) => [flag, { type: 'string' as const }]))
  const { values, positionals } = parseFlags(argv, { ...COMMON, ...flags }, usage)
  const [, role] = positionals
  if (!role || !(role in assignment.roles)) throw new DistlabError('BAD_INPUT', `name a role of ${assignment.id}: ${Object.keys(assignment.roles).join(', ')}\n${USAGE}`)
  const address = values.address ?? '127.0.0.1:0'
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/.test(address)) throw new DistlabError('BAD_INPUT', `--address must be a loopback address with a port, like 127.0.0.1:10097 (got ${address ?? 'nothing'})\n${USAGE}`)
  const given = values as Record<string, string | undefined>
  const config = values.config !== undefined ? readConfig(values.config) : (assignment.nodeOptions?.config(role, given) ?? {})
  const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, values.solution)
  const cluster = await Cluster.start({
    ...wireOptions(assignment.wire),
    ...(assignment.secrets ? { secrets: assignment.secrets } : {}),
    ports: 'as-given',
    nodes: [{ name: role, role, address, module: solution.module(role), config, peers: values.peers ? values.peers.split(',') : [] }],
    trace: {
      listener: (record) => {
        if (record.kind === 'console') process.stdout.write(`${record.line}\n`)
        // Prompts are for the person at the console, not console output: stderr, so stdout is exactly the node's lines.
        else if (record.kind === 'prompt') process.stderr.write(record.text)
        else if (record.kind === 'node.error') process.stderr.write(kleur.red(`${record.error}\n`))
        else if (record.kind === 'log' && record.level === 'warn') process.stderr.write(kleur.yellow(`${record.text}\n`))
      },
    },
  })
  const real = cluster.sockets[0]?.real ?? address
  process.stderr.write(kleur.gray(`${assignment.id} ${role} (${solution.label}) on ${real} over ${(assignment.wire?.transport ?? 'tcp').toUpperCase()}; Ctrl-C stops it\n`))
  const input = createInterface({ input: process.stdin, terminal: false })
  // A node that serves an application (a reliable socket) gets that application's console instead.
  const appConsole = await assignment.appConsole?.()
  const write = (line: string): void => void process.stdout.write(`${line}\n`)
  if (appConsole) appConsole.start(cluster.app(role), write)
  input.on('line', (line) => (appConsole ? appConsole.line(cluster.app(role), line, write) : cluster.input(role, line)))
  let stopping = false
  const stop = (why: string): void => {
    if (stopping) return
    stopping = true
    process.stderr.write(kleur.gray(`${why}: stopping the node and closing ${real}\n`))
    input.close()
    void cluster.stop()
  }
  process.once('SIGINT', () => stop('interrupted'))
  process.once('SIGTERM', () => stop('terminated'))
  // End of stdin (a pipe closed) does not stop the node: only a signal does.
  try {
    await cluster.serve()
    return 0
  } catch (err) {
    process.stderr.write(kleur.red(`the node failed: ${messageOf(err)}\n`))
    return 1
  } finally {
    input.close()
    await cluster.stop()
  }
})

function readConfig(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new DistlabError('BAD_INPUT', `--config ${file}: ${messageOf(err)} (it must be a JSON file: the node's input.config)`)
  }
}
