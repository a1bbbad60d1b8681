// The command line (seed 000 §2: "the client runs the command given on its command line"): a
// command with its paths and flags, or the usage error to print. Remote paths are taken as the
// service takes them (`/a.txt`, `disk:/a.txt`, `a.txt` all mean the file a.txt in the Disk's root);
// local paths are relative to the client's own directory.
export type Command =
  | { kind: 'help' }
  | { kind: 'ls'; path: string }
  | { kind: 'info' }
  | { kind: 'mkdir'; path: string }
  | { kind: 'rm'; path: string; permanently: boolean }
  | { kind: 'mv' | 'cp'; from: string; to: string; overwrite: boolean }
  | { kind: 'upload'; local: string; remote: string; overwrite: boolean }
  | { kind: 'download'; remote: string; local: string; overwrite: boolean }

export interface Parsed {
  command: Command
  /** `--token-file FILE`: the token is read from this file in the client's directory. */
  tokenFile: string | null
}

export const USAGE = [
  'usage: disk-client COMMAND [ARGS] [--token-file FILE]',
  '  ls [PATH]                         list a folder (default: the root), or show one file',
  '  info                              space used on the Disk',
  '  mkdir PATH                        create a folder',
  '  rm PATH [--permanently]           delete (to the trash unless --permanently)',
  '  mv FROM TO [--overwrite]          move or rename',
  '  cp FROM TO [--overwrite]          copy',
  '  upload LOCAL REMOTE [--overwrite]     copy a local file to the Disk',
  '  download REMOTE LOCAL [--overwrite]   copy a file from the Disk to a local file',
  'the token: --token-file FILE, or DISK_TOKEN, or {"token": ...} in .disk-client.json; the service: DISK_API_URL',
]

const ARITY: Record<string, { args: [number, number]; flags: string[] }> = {
  ls: { args: [0, 1], flags: [] },
  info: { args: [0, 0], flags: [] },
  mkdir: { args: [1, 1], flags: [] },
  rm: { args: [1, 1], flags: ['--permanently'] },
  mv: { args: [2, 2], flags: ['--overwrite'] },
  cp: { args: [2, 2], flags: ['--overwrite'] },
  upload: { args: [2, 2], flags: ['--overwrite'] },
  download: { args: [2, 2], flags: ['--overwrite'] },
}

export function parseArgs(argv: readonly string[]): Parsed | { problem: string } {
  const args: string[] = []
  const flags = new Set<string>()
  let tokenFile: string | null = null
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--token-file') {
      const file = argv[++i]
      if (file === undefined) return { problem: '--token-file needs a file name' }
      tokenFile = file
    } else if (arg === '--help' || arg === '-h') return { command: { kind: 'help' }, tokenFile }
    else if (arg.startsWith('--')) flags.add(arg)
    else args.push(arg)
  }
  const [verb, ...rest] = args
  if (verb === undefined) return { problem: 'name a command: ls, rm, mv, cp, mkdir, info, upload, download (--help)' }
  if (verb === 'help') return { command: { kind: 'help' }, tokenFile }
  const shape = ARITY[verb]
  if (!shape) return { problem: `unknown command '${verb}'; commands: ${Object.keys(ARITY).join(', ')} (--help)` }
  const [least, most] = shape.args
  if (rest.length < least || rest.length > most) return { problem: `${verb} takes ${least === most ? least : `${least} to ${most}`} path${most === 1 ? '' : 's'} (--help)` }
  const unknown = [...flags].filter((f) => !shape.flags.includes(f))
  if (unknown.length > 0) return { problem: `${verb} does not take ${unknown.join(', ')} (--help)` }
  const [a = 'disk:/', b = ''] = rest
  const overwrite = flags.has('--overwrite')
  switch (verb) {
    case 'ls':
      return { command: { kind: 'ls', path: a }, tokenFile }
    case 'info':
      return { command: { kind: 'info' }, tokenFile }
    case 'mkdir':
      return { command: { kind: 'mkdir', path: a }, tokenFile }
    case 'rm':
      return { command: { kind: 'rm', path: a, permanently: flags.has('--permanently') }, tokenFile }
    case 'mv':
    case 'cp':
      return { command: { kind: verb, from: a, to: b, overwrite }, tokenFile }
    case 'upload':
      return { command: { kind: 'upload', local: a, remote: b, overwrite }, tokenFile }
    default:
      return { command: { kind: 'download', remote: a, local: b, overwrite }, tokenFile }
  }
}

/** A remote path in the form the service answers with: `disk:/a/b`. */
export function diskPath(path: string): string {
  const bare = path.startsWith('disk:') ? path.slice(5) : path
  return `disk:/${bare.replace(/^\/+/, '')}`
}
