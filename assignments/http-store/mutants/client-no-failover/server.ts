export { default } from '../../solution/server.ts'
