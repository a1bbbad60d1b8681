// BUG: a download that breaks off or fails its checksum leaves its partial file behind.
import { defineNode } from 'distlab/node'
import { clientMachine } from '../../solution/client.ts'

export default defineNode({ machine: clientMachine.provide({ actions: { closeFiles: () => {} } }) })
