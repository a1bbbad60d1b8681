import { gradeBothWays } from './gradeBothWays.ts'

gradeBothWays('leader-kv', { maxPoints: 10 })
