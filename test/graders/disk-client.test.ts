import { gradeBothWays } from './gradeBothWays.ts'

gradeBothWays('disk-client', { maxPoints: 10 })
