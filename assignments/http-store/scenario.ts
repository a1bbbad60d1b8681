import { defineScenario } from '../../lab/scenario/defineScenario.ts'
export default defineScenario({ title: 'http-store', description: 'todo', async run() {} })
