// `npm run trace <file>`: the per-node timeline of a run, filtered.
import { openTrace, type TraceRecord } from '../../runtime/index.ts'
import { kleur } from '../format.ts'
import { compileFilter } from '../trace/filter.ts'
import { renderTimeline } from '../trace/Timeline.ts'
import { parseFlags, parseTime, runCli } from './cli.ts'

const USAGE = `usage: npm run trace <file> [-- --node X --kind K --from T --to T --width N --lanes]
  <file>        a trace written by npm run lab or npm run grade (.jsonl or .jsonl.gz)
  --node X      only these nodes (comma-separated or repeated)
  --kind K      only these kinds: send, deliver, drop, state, console, timer.fire, ... or a family: messages, timer, node
  --from T      from this virtual time (1500, 1500ms or 1.5s); --to T: until this time
  --width N     line width (default: the terminal's, or 160)
  --lanes       one lane (time, node, record) instead of a column per node`

const list = (values: string[] | undefined): string[] | undefined => values?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(
    argv,
    { node: { type: 'string', multiple: true }, kind: { type: 'string', multiple: true }, from: { type: 'string' }, to: { type: 'string' }, width: { type: 'string' }, lanes: { type: 'boolean' } },
    USAGE,
  )
  if (positionals.length !== 1) throw new TypeError(`name one trace file\n${USAGE}`)
  const path = positionals[0] as string
  const keep = compileFilter({ nodes: list(values.node), kinds: list(values.kind), from: parseTime(values.from, '--from'), to: parseTime(values.to, '--to') })
  const width = values.width ? Number(values.width) : (process.stdout.columns ?? 160)
  if (!(width >= 40)) throw new TypeError('--width must be a number of at least 40')
  const trace = await openTrace(path)
  const shown: TraceRecord[] = []
  let total = 0
  for await (const record of trace.records) {
    total++
    if (keep(record)) shown.push(record)
  }
  if (trace.meta) console.log(kleur.bold(trace.meta.title || path) + kleur.gray(` · seed ${trace.meta.seed} · ${path}`))
  for (const line of renderTimeline(trace.meta, shown, { width, lanes: values.lanes })) console.log(line)
  console.log(kleur.gray(`${shown.length} of ${total} records`))
  return 0
})
