// One row of the scaling suite, in a process of its own so that its peak memory is its own:
// `sim WORKLOAD NODES` (inline, then worker threads) or `torrent MiB`. Prints its result as
// one JSON line on stdout; progress goes to stderr.
import { WORKLOADS, measure, sampleRss, whereTimeWent } from './simThroughput.ts'
import { describeSync, measureSync } from './torrentSync.ts'

const [kind, what, count] = process.argv.slice(2)
const log = console.log
console.log = (...args: unknown[]) => console.error(...args)
if (kind === 'sim') {
  const workload = WORKLOADS.find((w) => w.name === what)
  if (!workload) throw new Error(`no workload '${what}'`)
  const nodes = Number(count)
  const inline = await measure(workload, nodes, 'inline')
  const worker = await measure(workload, nodes, 'worker')
  log(JSON.stringify({ workload: workload.name, nodes, inline, worker, ratio: worker.eventsPerSecond / inline.eventsPerSecond, where: await whereTimeWent(worker) }))
} else if (kind === 'torrent') {
  const peak = sampleRss()
  const m = await measureSync(Number(what) << 20, `${what} MiB`)
  log(JSON.stringify({ ...m, peakRssMiB: peak.stop(), where: describeSync(m) }))
} else {
  throw new Error('usage: scalingRow.ts sim WORKLOAD NODES | torrent MiB')
}
