import { defineScenario } from '../../lab/scenario/defineScenario.ts'
export default defineScenario({ title: 'disk-client', description: 'todo', async run() {} })
