// The pbservice server over XML-RPC in real mode (seed 000 §4: put, put_backup, get; servers ping
// the coordinator). See spec.md, "On the wire".
import { asStruct, fromStruct, mergeRpcMaps, type Message, type RpcMap } from '../../runtime/index.ts'
import { viewserviceRpc } from '../viewservice/wire.ts'
import type { GetOk } from './messages.ts'

/** A request's `rid` comes back in its answer: XML-RPC pairs them by connection, the messages by rid. */
const ridOf = (request: Message): number => Number((request as unknown as { rid?: number }).rid ?? 0)

const serverRpc: RpcMap = {
  methods: {
    /** put(key, value[, client, seq]) → true. A caller that leaves out client and seq is named by its address, its calls numbered. */
    put: {
      request: 'PUT',
      params: ['key', 'value', 'client', 'seq'],
      fill: (caller, calls) => ({ client: caller, seq: calls, rid: calls }),
      replies: ['PUT_OK'],
      result: () => true,
      reply: (_result, request) => ({ type: 'PUT_OK', rid: ridOf(request) }) as Message,
    },
    /** get(key) → the value, or nil */
    get: {
      request: 'GET',
      params: ['key'],
      fill: (_caller, calls) => ({ rid: calls }),
      replies: ['GET_OK'],
      result: (r) => (r as unknown as GetOk).value,
      reply: (value, request) => ({ type: 'GET_OK', value, rid: ridOf(request) }) as Message,
    },
    /** put_backup(key, value, client, seq, viewnum) → the answer as a struct (PUT_BACKUP_OK or BACKUP_REFUSED) */
    put_backup: { request: 'PUT_BACKUP', params: ['key', 'value', 'client', 'seq', 'viewnum'], replies: ['PUT_BACKUP_OK', 'BACKUP_REFUSED'], result: asStruct, reply: fromStruct },
    /** get_backup(key, viewnum) → the answer as a struct */
    get_backup: { request: 'GET_BACKUP', params: ['key', 'viewnum'], replies: ['GET_BACKUP_OK', 'BACKUP_REFUSED'], result: asStruct, reply: fromStruct },
    /** transfer(viewnum, data, applied) → the answer as a struct */
    transfer: { request: 'TRANSFER', params: ['viewnum', 'data', 'applied'], replies: ['TRANSFER_OK', 'BACKUP_REFUSED'], result: asStruct, reply: fromStruct },
  },
  fault: { type: 'ERROR', field: 'reason', echo: ['rid'] },
  correlate: 'rid',
}

/** A pbservice run: its servers' methods and the coordinator's, which they call. */
export const pbserviceRpc: RpcMap = mergeRpcMaps(serverRpc, viewserviceRpc)
