import { gradeBothWays } from './gradeBothWays.ts'

gradeBothWays('pbservice', { maxPoints: 10 })
