export { default } from '../../solution/client.ts'
