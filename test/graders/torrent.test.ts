import { gradeBothWays } from './gradeBothWays.ts'

// Reduced scale: every group's shape on small files (the full sizes run with `npm run grade torrent`).
// A failing restart group runs to its time limit, so mutants run only the groups they must lose.
gradeBothWays('torrent', { maxPoints: 10, scale: 'reduced', seeds: [1, 2, 3, 4, 5], mutantSeeds: [1], mutantsRunOnlyLosses: true })
