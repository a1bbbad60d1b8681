// Each command's --help text lives in lab/cli/help/<command>.txt: bin/distlab.mjs prints it in
// milliseconds without compiling any TypeScript, and the command itself shows the same text.
import { readFileSync } from 'node:fs'

export function usage(command: string): string {
  return readFileSync(new URL(`help/${command}.txt`, import.meta.url), 'utf8').trimEnd()
}
