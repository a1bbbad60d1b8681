// BUG: the backup takes PUT_BACKUP, GET_BACKUP and TRANSFER from anyone who names its view.
import { defineNode } from 'distlab/node'
import { serverMachine } from '../../solution/server.ts'

type Args = { context: { view: { backup: string | null; number: number }; me: string; pending: unknown }; event: Record<string, unknown> }
const fromAnyone = ({ context, event }: Args): boolean => context.pending === null && context.view.backup === context.me && event.viewnum === context.view.number

export default defineNode({ machine: serverMachine.provide({ guards: { fromMyPrimary: fromAnyone as never } }) })
