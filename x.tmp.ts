import { findAssignment } from './assignments/registry.ts'
import { loadSolution } from './graders/harness/solution.ts'
import { runGrader } from './graders/harness/runGrader.ts'
const a = findAssignment(process.argv[2] ?? 'dynamo')
const grader = await a.grader()
const solution = await loadSolution({ roles: a.roles, referenceDir: a.referenceDir }, process.argv[3] || undefined)
for (const seed of (process.argv[4] ?? '1').split(',').map(Number)) {
  const report = await runGrader(grader, { assignment: a.id, solution, seed })
  console.log('seed', seed, `${report.points}/${report.maxPoints}`, report.tests.filter(t => !t.passed).map(t => `${t.name}: ${t.reason?.split('\n').slice(0,2).join(' | ')}`).join('; '))
}
