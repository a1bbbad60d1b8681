// `distlab autograder <id>`: the Gradescope autograder zip of an assignment (docs/gradescope.md).
import { join, resolve } from 'node:path'
import { findAssignment } from '../../assignments/registry.ts'
import { DistlabError, REPO_ROOT } from '../../runtime/index.ts'
import { buildKit } from '../autograder/buildKit.ts'
import { checkVisibility } from '../autograder/kitConfig.ts'
import { writeOutput } from '../grade/outputs.ts'
import { parseFlags, parseSeed, runCli } from './cli.ts'
import { usage } from './help.ts'

const USAGE = usage('autograder')

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(argv, { out: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' }, 'time-limit': { type: 'string' }, visibility: { type: 'string' } }, USAGE)
  if (positionals.length !== 1) throw new DistlabError('BAD_INPUT', `name one assignment\n${USAGE}`)
  const assignment = findAssignment(positionals[0])
  const number = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value))
  const { zip, files, config } = await buildKit(REPO_ROOT, assignment, {
    seed: parseSeed(values.seed),
    ...(values.jobs !== undefined ? { jobs: number(values.jobs) } : {}),
    ...(values['time-limit'] !== undefined ? { timeLimit: number(values['time-limit']) } : {}),
    ...(values.visibility !== undefined ? { visibility: checkVisibility(values.visibility, '--visibility') } : {}),
  })
  // npm runs scripts in the checkout and says where the command was typed in INIT_CWD.
  const out = join(resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? '.'), `${assignment.id}-autograder.zip`)
  writeOutput(out, zip)
  console.log(`${out}: ${files} files, ${(zip.length / 1024).toFixed(0)} KiB; seed ${config.seed}, ${config.jobs} sandbox(es), ${config.timeLimit} s limit`)
  console.log("upload it on Gradescope's Configure Autograder page (Zip file upload); docs/gradescope.md")
  return 0
})
