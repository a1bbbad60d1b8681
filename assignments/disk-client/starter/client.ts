// The disk-client: a starting point that type-checks and loads, and exits with a usage error for
// every command. spec.md says what it must do; its "Patterns you will need" shows how.
import { enqueueActions, setup } from 'xstate'
import { defineNode, print, toApp, type Delivered, type HttpResponseMessage, type NodeEffect, type NodeInput } from 'distlab/node'
import { EXIT, type ClientConfig, type ExitResult } from 'distlab/protocol/disk-client'

interface Context {
  argv: string[]
  env: Record<string, string>
}

type Event = Delivered<HttpResponseMessage>

/** `toApp` narrowed to the client's result, so a misspelled field is a type error. */
const exit = (code: ExitResult['code']) => toApp<ExitResult>({ type: 'exit', code })

export const clientMachine = setup({
  types: { input: {} as NodeInput<ClientConfig>, context: {} as Context, events: {} as Event, emitted: {} as NodeEffect },
  actions: {
    // TODO: parse argv, call the Disk API (httpRequest + send), print the result, exit with its code.
    notYet: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(print(`${context.argv.join(' ') || '(no command)'}: not implemented yet`))
      enqueue.emit(exit(EXIT.usage))
    }),
  },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ argv: input.config.argv, env: input.config.env }),
  initial: 'done',
  states: {
    done: { entry: 'notYet' },
  },
})

export default defineNode({ machine: clientMachine, title: 'disk-client' })
