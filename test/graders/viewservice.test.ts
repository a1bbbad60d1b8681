import { gradeBothWays } from './gradeBothWays.ts'

gradeBothWays('viewservice', { maxPoints: 10 })
