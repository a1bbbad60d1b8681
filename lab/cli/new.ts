// `npm run new <id> DIR` writes a solution's folder to start from: one module per role that
// type-checks and loads, a tsconfig.json and package.json that resolve distlab/node, the protocol
// and xstate to this lab, and a README with the commands; then npm install links the lab in.
import { resolve } from 'node:path'
import { findAssignment } from '../../assignments/registry.ts'
import { DistlabError } from '../../runtime/index.ts'
import { kleur } from '../format.ts'
import { installLinks } from '../new/installLinks.ts'
import { writeSkeleton } from '../new/writeSkeleton.ts'
import { parseFlags, runCli } from './cli.ts'
import { usage } from './help.ts'

const USAGE = usage('new')

await runCli(USAGE, async (argv) => {
  const { values, positionals } = parseFlags(argv, { force: { type: 'boolean' }, 'no-install': { type: 'boolean' } }, USAGE)
  if (positionals.length !== 2) throw new DistlabError('BAD_INPUT', `name an assignment and a folder\n${USAGE}`)
  const [id, dir] = positionals as [string, string]
  const assignment = findAssignment(id)
  // npm runs scripts in the checkout and says where the command was typed in INIT_CWD.
  const target = resolve(process.env.INIT_CWD ?? process.cwd(), dir)
  const written = writeSkeleton(assignment, target, { force: values.force === true })
  console.log(`${kleur.green('✓')} ${assignment.id} skeleton in ${target}: ${written.join(', ')}`)
  if (values['no-install'] !== true) {
    const failed = installLinks(target)
    if (failed) {
      console.log(kleur.red(`npm install in ${target} failed, so tsc cannot find distlab and xstate yet:\n${failed}\nrun npm install there once it is fixed`))
      return 1
    }
    console.log(`${kleur.green('✓')} npm install: node_modules links distlab, xstate and typescript to this lab`)
  }
  console.log(['next, in that folder:', '  npx tsc --noEmit                          type-check', `  npx distlab lab ${assignment.id} --solution .    run the scenario`, `  npx distlab grade ${assignment.id} --solution .  grade it`, 'README.md there says more'].join('\n'))
  return 0
})
