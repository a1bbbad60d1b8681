// The files around a skeleton's modules: a tsconfig.json with the grader's own compiler options,
// a package.json whose devDependencies link the lab's copies of distlab, xstate, TypeScript and
// Node's types (npm makes them symlinks: one xstate for the solution and the runtime, no download),
// and a README.md with the commands. Paths are this checkout's, absolute: the folder can live anywhere.
import { join } from 'node:path'
import type { Assignment } from '../../assignments/registry.ts'
import { REPO_ROOT } from '../../runtime/index.ts'
import { SOLUTION_COMPILER_OPTIONS } from '../grade/typecheck.ts'

/** The lab's packages a solution's folder links to, as `file:` specs (npm links a directory). */
export function linkedPackages(): Record<string, string> {
  const modules = join(REPO_ROOT, 'node_modules')
  return {
    '@types/node': `file:${join(modules, '@types', 'node')}`,
    distlab: `file:${REPO_ROOT}`,
    typescript: `file:${join(modules, 'typescript')}`,
    xstate: `file:${join(modules, 'xstate')}`,
  }
}

export function tsconfigJson(): string {
  return `${JSON.stringify({ compilerOptions: SOLUTION_COMPILER_OPTIONS, include: ['**/*.ts'], exclude: ['node_modules'] }, null, 2)}\n`
}

export function packageJson(assignment: Assignment): string {
  const pkg = {
    name: `${assignment.id}-solution`,
    private: true,
    type: 'module',
    scripts: {
      typecheck: 'tsc --noEmit',
      lab: `distlab lab ${assignment.id} --solution .`,
      grade: `distlab grade ${assignment.id} --solution .`,
    },
    devDependencies: linkedPackages(),
  }
  return `${JSON.stringify(pkg, null, 2)}\n`
}

export const GITIGNORE = 'node_modules/\ntraces/\n*.zip\n'

export function readme(assignment: Assignment): string {
  const id = assignment.id
  const roles = Object.entries(assignment.roles).map(([role, what]) => `- \`${role}.ts\`: ${what}`)
  return `# ${id}: your solution

${assignment.title}. What it must do: ${join(assignment.dir, 'spec.md')} (its "Patterns you will need"
shows a console menu, timers, several effects from one handler and answering unknown messages, in
this assignment's own message types). The full workflow: ${join(REPO_ROOT, 'docs', 'student-guide.md')}.

One module per role, each ending in \`export default defineNode({ machine })\`:

${roles.join('\n')}

The modules here type-check and load, and fail every test: fill them in.

## Type-check

    npx tsc --noEmit

A misspelled message field is an error at its line (\`server.ts:12:5 error TS2353: ...\`). The grader
runs the same check before its tests and shows these errors first (as warnings: grading goes on).

## Run the scenario with it

    npx distlab lab ${id} --solution .

It narrates the run and writes its trace to traces/ (\`npx distlab trace traces/FILE\` shows it as a
timeline, \`--html FILE.html\` as a page). From the lab's checkout: \`npm run lab ${id} -- --solution DIR\`.

## Grade it

    npx distlab grade ${id} --solution .

The same tests and points as the course. A failed test prints its seed and the one command that
replays it with a trace. \`npm run typecheck\`, \`npm run lab\` and \`npm run grade\` here do the same.

## Hand it in

Zip the sources only, without node_modules (its links point into the lab):

    zip -r ../${id}-solution.zip . -x 'node_modules/*' 'traces/*'

## How the imports resolve

\`npm install\` (run once by \`distlab new\`) links node_modules/ to the lab at ${REPO_ROOT}: distlab,
xstate, typescript and @types/node are the lab's own copies (package.json's \`file:\` devDependencies),
so \`distlab/node\`, \`distlab/protocol/${id}\` and \`xstate\` resolve as the grader resolves them. If the
lab moves, fix the paths in package.json and run \`npm install\` again.
`
}
