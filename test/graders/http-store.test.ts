import { gradeBothWays } from './gradeBothWays.ts'

gradeBothWays('http-store', { maxPoints: 31 })
