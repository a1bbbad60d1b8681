import { gradeBothWays } from './gradeBothWays.ts'

gradeBothWays('dynamo', { maxPoints: 10, minMutants: 6 })
