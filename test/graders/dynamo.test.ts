import { gradeBothWays } from './gradeBothWays.ts'

gradeBothWays('dynamo', { maxPoints: 10 })
