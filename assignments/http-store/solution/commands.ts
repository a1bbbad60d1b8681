// The client's console language (seed 003): `auth`, `set [-r|--raw] [-f|--file] db key=value`,
// `get [-r|--raw] [-f|--file] db key1&key2`, `exit`. A line read into a command, or the sentence
// saying what is wrong with it. -r: a set's value is the text as typed (a string), a get prints
// strings without quotes; -f: a set's value is read from that file in the client's directory, a
// get's answer is written to `<db>.json` there.
import { LIMITS, NAME } from 'distlab/protocol/http-store'

export type Command =
  | { kind: 'auth' }
  | { kind: 'exit' }
  | { kind: 'set'; raw: boolean; file: boolean; db: string; key: string; value: string }
  | { kind: 'get'; raw: boolean; file: boolean; db: string; keys: string[] }

const USAGE = 'commands: auth, set [-r] [-f] db key=value, get [-r] [-f] db key1&key2, exit'

export function parseCommand(text: string): Command | { problem: string } {
  const words = text.trim().split(/\s+/)
  const verb = words[0] ?? ''
  if (verb === 'auth' && words.length === 1) return { kind: 'auth' }
  if (verb === 'exit' && words.length === 1) return { kind: 'exit' }
  if (verb !== 'set' && verb !== 'get') return { problem: `unknown command '${text.trim()}'; ${USAGE}` }
  let raw = false
  let file = false
  let rest = words.slice(1)
  while (rest[0]?.startsWith('-')) {
    const flag = rest[0]
    if (flag === '-r' || flag === '--raw') raw = true
    else if (flag === '-f' || flag === '--file') file = true
    else return { problem: `${verb}: unknown flag ${flag}; ${USAGE}` }
    rest = rest.slice(1)
  }
  const db = rest[0]
  if (db === undefined || !NAME.test(db)) return { problem: `${verb}: name a db (1-${LIMITS.nameBytes} characters of A-Z a-z 0-9 _ . -, not starting with a dot)` }
  if (verb === 'get') {
    const keys = (rest[1] ?? '').split('&')
    if (rest.length !== 2 || !keys.every((k) => NAME.test(k))) return { problem: 'get: give the keys as key1&key2 (each a valid key name)' }
    return { kind: 'get', raw, file, db, keys }
  }
  // The value may hold spaces: everything after the db name is `key=value`.
  const assignment = /^\s*set(?:\s+-\S+)*\s+\S+\s+(.*)$/s.exec(text)?.[1] ?? ''
  const eq = assignment.indexOf('=')
  const key = assignment.slice(0, eq)
  if (eq <= 0 || !NAME.test(key)) return { problem: 'set: give key=value (a valid key name, then =, then a JSON value)' }
  return { kind: 'set', raw, file, db, key, value: assignment.slice(eq + 1) }
}
