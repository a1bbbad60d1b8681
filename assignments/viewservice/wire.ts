// The coordinator over XML-RPC in real mode (seed 000 §3: servers call ping() on the coordinator,
// clients call master()). See spec.md, "On the wire".
import type { Message, RpcMap } from '../../runtime/index.ts'
import type { MasterReply, ViewReply } from './messages.ts'

const view = (reply: Message): { number: number; master: string | null; backup: string | null } => {
  const { number, master, backup } = reply as unknown as ViewReply
  return { number, master, backup }
}
const toView = (result: unknown): Message => ({ type: 'VIEW', ...(result as object) }) as Message

export const viewserviceRpc: RpcMap = {
  methods: {
    /** ping(viewnum, name) → {number, master, backup} */
    ping: { request: 'PING', params: ['viewnum', 'name'], replies: ['VIEW'], result: view, reply: toView },
    /** master() → the master's name, or nil */
    master: { request: 'MASTER', params: [], replies: ['MASTER_IS'], result: (r) => (r as unknown as MasterReply).master, reply: (master) => ({ type: 'MASTER_IS', master }) as Message },
    /** get_view() → {number, master, backup} */
    get_view: { request: 'GET_VIEW', params: [], replies: ['VIEW'], result: view, reply: toView },
  },
  fault: { type: 'ERROR', field: 'reason' },
}
