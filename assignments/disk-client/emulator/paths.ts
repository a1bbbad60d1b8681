// Disk paths. The service takes `disk:/a/b`, `/a/b` and `a/b` for the same resource and always
// answers in the `disk:/` form (docs: paths like `%2Ffoo%2Fphoto.png`; a QA plan's `path=folderName`
// answered with `…path=disk%3A%2FfolderName`; yadisk's recordings use `disk:/`). A trailing slash
// names the same folder (rclone lists `disk:/dir/`). Limits: a name of 255 characters, a path of
// 32760 (docs: upload).
import { fieldValidation, type ApiError } from './errors.ts'

export const ROOT = 'disk:/'
const MAX_NAME = 255
const MAX_PATH = 32760

/** The normalised `disk:/…` form of a path parameter, or why it is refused (400). */
export function normalizePath(raw: string, field = 'path'): string | ApiError {
  if (raw.length > MAX_PATH) return fieldValidation(field, `The path is longer than ${MAX_PATH} characters.`, `Путь длиннее ${MAX_PATH} символов.`)
  let rest = raw
  const scheme = /^([a-z]+):/.exec(rest)
  if (scheme) {
    if (scheme[1] !== 'disk') return fieldValidation(field, `Only disk:/ paths are emulated (got "${scheme[1]}:").`, `Эмулируются только пути disk:/.`)
    rest = rest.slice('disk:'.length)
  }
  const parts = rest.split('/').filter((p) => p !== '')
  for (const part of parts) {
    if (part === '.' || part === '..') return fieldValidation(field, `"${part}" is not a file or folder name.`, `"${part}" не является именем файла или папки.`)
    if (part.length > MAX_NAME) return fieldValidation(field, `A name is longer than ${MAX_NAME} characters.`, `Имя длиннее ${MAX_NAME} символов.`)
  }
  return ROOT + parts.join('/')
}

export function isError(value: string | ApiError): value is ApiError {
  return typeof value !== 'string'
}

export function parentOf(path: string): string {
  if (path === ROOT) return ROOT
  const cut = path.lastIndexOf('/')
  return cut <= ROOT.length - 1 ? ROOT : path.slice(0, cut)
}

/** The last name of a path; the root's name is `disk` (as the service names it). */
export function nameOf(path: string): string {
  return path === ROOT ? 'disk' : path.slice(path.lastIndexOf('/') + 1)
}

export function join(dir: string, name: string): string {
  return dir === ROOT ? ROOT + name : `${dir}/${name}`
}

/** `path` is `ancestor` or lies inside it. */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === ROOT) return true
  return path === ancestor || path.startsWith(`${ancestor}/`)
}

/** `path` with its `from` prefix replaced by `to` (for a moved or copied subtree). */
export function rebase(path: string, from: string, to: string): string {
  return path === from ? to : join(to, path.slice(from.length + 1))
}
