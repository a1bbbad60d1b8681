// What every lab command shares: flags validated by node's parseArgs, one top-level catch that
// prints one clear line (the stack only with --debug). Exit codes, the same for every command
// (docs/cli.md): 0 done, 1 what was checked failed (tests, a scenario's checks), 2 it could not be
// done: bad input, a solution that cannot be used, an error the message names.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { DistlabError, messageOf } from '../../runtime/index.ts'
import { kleur } from '../format.ts'
import type { Scale } from '../../graders/harness/TestContext.ts'
import { didYouMean } from '../suggest.ts'

export async function runCli(usage: string, main: (argv: string[]) => Promise<number>, options: { errorExitCode?: number; ownHelp?: boolean } = {}): Promise<void> {
  const argv = process.argv.slice(2)
  const debug = argv.includes('--debug')
  // ownHelp: the program's own --help (the disk-client prints its commands itself).
  if (!options.ownHelp && (argv.includes('--help') || argv.includes('-h'))) {
    console.log(usage)
    return
  }
  try {
    process.exitCode = await main(argv.filter((a) => a !== '--debug'))
  } catch (err) {
    console.error(kleur.red(`distlab: ${messageOf(err)}`))
    if (debug && err instanceof Error) console.error(kleur.gray(err.stack ?? ''))
    else if (!(err instanceof DistlabError || err instanceof TypeError)) console.error(kleur.gray('(run again with --debug for the stack)'))
    process.exitCode = options.errorExitCode ?? 2
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

export function parseFlags<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (err) {
    const message = messageOf(err).replace(/\. To specify a positional argument.*$/s, '')
    const typed = /Unknown option '--?([^']+)'/.exec(message)?.[1]
    const hint = typed === undefined ? '' : didYouMean(typed, Object.keys(options)).replace(/'([^']+)'/, "'--$1'")
    throw new DistlabError('BAD_INPUT', `${message}${hint}\n${usage}`)
  }
}

export function parseSeed(value: string | undefined, fallback = 1): number {
  if (value === undefined) return fallback
  const seed = Number(value)
  if (!Number.isInteger(seed) || seed < 0) throw new DistlabError('BAD_INPUT', `--seed must be a non-negative integer (got '${value}')`)
  return seed
}

/** `--seeds A-B` (or one seed): the base seeds, in order. */
export function parseSeedRange(text: string): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text)
  const from = Number(m?.[1])
  const to = m?.[2] === undefined ? from : Number(m[2])
  if (!m || from < 1 || to < from || to - from > 999) throw new DistlabError('BAD_INPUT', `--seeds must be a seed or a range like 1-20 (got '${text}')`)
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/** `--concurrency N`: how many gradings run at once (default 2, one per core). */
export function parseConcurrency(value: string | undefined, fallback = 2): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!(Number.isInteger(n) && n > 0)) throw new DistlabError('BAD_INPUT', `--concurrency must be a positive integer (got '${value}')`)
  return n
}

/** `--scale`: full (the course's sizes, the default) or reduced (the same tests on small files). */
export function parseScale(value: string | undefined): Scale {
  if (value === undefined || value === 'full' || value === 'reduced') return value ?? 'full'
  throw new DistlabError('BAD_INPUT', `--scale must be full or reduced (got '${value}')`)
}

/** Parses `1500`, `1500ms` or `1.5s` into virtual ms. */
export function parseTime(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value.trim())
  if (!match) throw new DistlabError('BAD_INPUT', `${flag} must be a time like 1500, 1500ms or 1.5s (got '${value}')`)
  const n = Number(match[1])
  return match[2] === 's' ? n * 1000 : n
}
