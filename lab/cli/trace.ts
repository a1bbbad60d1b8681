// `distlab trace <file>`: the per-node timeline of a run, filtered; or the run as a page, a
// Perfetto file or a ShiViz log.
import { openTrace, type TraceRecord } from '../../runtime/index.ts'
import { kleur, outputWidth } from '../format.ts'
import { writeOutput, checkOutput } from '../grade/outputs.ts'
import { toPerfetto } from '../trace/export/perfetto.ts'
import { toShiviz } from '../trace/export/shiviz.ts'
import { compileFilter } from '../trace/filter.ts'
import { PSEUDO_ENDPOINTS } from '../trace/html/model.ts'
import { tracePage } from '../trace/html/page.ts'
import { renderTimeline } from '../trace/Timeline.ts'
import { parseFlags, parseTime, runCli } from './cli.ts'
import { usage } from './help.ts'

const USAGE = usage('trace')

const list = (values: string[] | undefined): string[] | undefined => values?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(
    argv,
    {
      node: { type: 'string', multiple: true },
      kind: { type: 'string', multiple: true },
      hide: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      width: { type: 'string' },
      lanes: { type: 'boolean' },
      html: { type: 'string' },
      perfetto: { type: 'string' },
      shiviz: { type: 'string' },
    },
    USAGE,
  )
  if (positionals.length !== 1) throw new TypeError(`name one trace file\n${USAGE}`)
  const path = positionals[0] as string
  const keep = compileFilter({ nodes: list(values.node), kinds: list(values.kind), hide: list(values.hide), from: parseTime(values.from, '--from'), to: parseTime(values.to, '--to') })
  const width = values.width ? Number(values.width) : outputWidth()
  if (!(width >= 40)) throw new TypeError('--width must be a number of at least 40')
  const outputs = (['html', 'perfetto', 'shiviz'] as const).filter((flag) => values[flag] !== undefined)
  for (const flag of outputs) checkOutput(flag, values[flag] as string)
  const trace = await openTrace(path)
  const all: TraceRecord[] = []
  for await (const record of trace.records) all.push(record)
  if (outputs.length > 0) {
    const writers = { html: tracePage, perfetto: toPerfetto, shiviz: toShiviz }
    for (const flag of outputs) {
      writeOutput(values[flag] as string, writers[flag](trace.meta, all))
      console.log(`${flag}: ${values[flag]}${flag === 'html' ? ' (open it in a browser; it needs no network)' : ''}`)
    }
    return 0
  }
  const shown = all.filter(keep)
  if (trace.meta) console.log(kleur.bold(trace.meta.title || path) + kleur.gray(` · seed ${trace.meta.seed} · ${path}`))
  // Endpoints that are not the run's nodes, said once: a student should not wonder who `g` is.
  const present = new Set(shown.map((r) => r.node))
  for (const [name, what] of Object.entries(PSEUDO_ENDPOINTS)) if (present.has(name) && !trace.meta?.endpoints.some((e) => e.name === name)) console.log(kleur.gray(`${name}: ${what}`))
  for (const line of renderTimeline(trace.meta, shown, { width, lanes: values.lanes })) console.log(line)
  console.log(kleur.gray(`${shown.length} of ${all.length} records`))
  return 0
})
