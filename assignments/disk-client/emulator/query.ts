// Reading a request line's query: required parameters, flags and counts, each refusal a 400
// FieldValidationError naming the field (the error name is the service's, yadisk utils.py).
import { fieldValidation, type ApiError } from './errors.ts'
import { isError, normalizePath } from './paths.ts'

export interface Target {
  /** The path without the query, percent-decoded. */
  pathname: string
  query: URLSearchParams
}

export function splitTarget(pathAndQuery: string): Target {
  const q = pathAndQuery.indexOf('?')
  const rawPath = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)
  let pathname = rawPath
  try {
    pathname = decodeURIComponent(rawPath)
  } catch {
    // A malformed escape stays as written: it matches no route and gets a 404.
  }
  return { pathname, query: new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1)) }
}

/** A required path parameter (`path`, `from`), normalised, with the raw text errors quote. */
export function pathParam(query: URLSearchParams, field: string): { path: string; raw: string } | ApiError {
  const raw = query.get(field)
  if (raw === null || raw === '') return fieldValidation(field, 'This field is required.', 'Это поле является обязательным.')
  const path = normalizePath(raw, field)
  return isError(path) ? path : { path, raw }
}

/** `true`/`false` (absent: `fallback`); the service's flags are these two words. */
export function flagParam(query: URLSearchParams, field: string, fallback = false): boolean | ApiError {
  const raw = query.get(field)
  if (raw === null || raw === '') return fallback
  if (raw === 'true' || raw === 'false') return raw === 'true'
  return fieldValidation(field, `Must be "true" or "false" (got "${raw}").`, `Допустимы значения "true" или "false".`)
}

/** A non-negative integer (absent: `fallback`). */
export function countParam(query: URLSearchParams, field: string, fallback: number): number | ApiError {
  const raw = query.get(field)
  if (raw === null || raw === '') return fallback
  if (!/^\d{1,15}$/.test(raw)) return fieldValidation(field, `Must be a non-negative integer (got "${raw}").`, `Значение должно быть целым неотрицательным числом.`)
  return Number(raw)
}

export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && 'error' in value && 'status' in value
}
