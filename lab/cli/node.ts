// `npm run node -- <assignment> <role> --address 127.0.0.1:PORT`: one node in real mode, in the
// foreground, so programs outside the lab (a Python client, netcat, another lab) can talk to it.
// Its console lines go to stdout, lines typed on stdin are its console input, Ctrl-C stops it.
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { findAssignment } from '../../assignments/registry.ts'
import { loadSolution } from '../../graders/harness/solution.ts'
import { Cluster, DistlabError, messageOf } from '../../runtime/index.ts'
import { kleur } from '../format.ts'
import { parseFlags, runCli } from './cli.ts'

const USAGE = `usage: npm run node -- <assignment> <role> --address 127.0.0.1:PORT [--config FILE] [--solution DIR] [--peers A,B,...]
  one node in real mode, in the foreground: console lines on stdout, console input from stdin, Ctrl-C stops it
  --address   where it listens (a 127.x.y.z address and a port; 0 picks a free one)
  --config    a JSON file: the node's input.config (default {})
  --solution  run your solution instead of the reference (a directory)
  --peers     addresses the node is told about (input.peers)`

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(argv, { address: { type: 'string' }, config: { type: 'string' }, solution: { type: 'string' }, peers: { type: 'string' } }, USAGE)
  const [id, role] = positionals
  const assignment = findAssignment(id)
  if (!role || !(role in assignment.roles)) throw new DistlabError('BAD_INPUT', `name a role of ${assignment.id}: ${Object.keys(assignment.roles).join(', ')}\n${USAGE}`)
  const address = values.address
  if (!address || !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}$/.test(address)) throw new DistlabError('BAD_INPUT', `--address must be a loopback address with a port, like 127.0.0.1:10097 (got ${address ?? 'nothing'})\n${USAGE}`)
  const config = values.config === undefined ? {} : readConfig(values.config)
  const solution = await loadSolution({ roles: assignment.roles, referenceDir: assignment.referenceDir }, values.solution)
  const cluster = await Cluster.start({
    mode: 'real',
    transport: assignment.transport ?? 'tcp',
    ports: 'as-given',
    nodes: [{ name: role, role, address, module: solution.module(role), config, peers: values.peers ? values.peers.split(',') : [] }],
    trace: {
      listener: (record) => {
        if (record.kind === 'console') process.stdout.write(`${record.line}\n`)
        else if (record.kind === 'prompt') process.stdout.write(record.text)
        else if (record.kind === 'node.error') process.stderr.write(kleur.red(`${record.error}\n`))
        else if (record.kind === 'log' && record.level === 'warn') process.stderr.write(kleur.yellow(`${record.text}\n`))
      },
    },
  })
  const real = cluster.sockets[0]?.real ?? address
  process.stderr.write(kleur.gray(`${assignment.id} ${role} (${solution.label}) on ${real} over ${(assignment.transport ?? 'tcp').toUpperCase()}; Ctrl-C stops it\n`))
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
  input.on('close', () => {
    // End of stdin (a pipe closed) does not stop a server: only a signal does.
  })
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
