import { gradeBothWays } from './gradeBothWays.ts'

gradeBothWays('reliable-udp', { maxPoints: 21 })
