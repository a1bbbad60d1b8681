// Every error the emulator answers with, in one place, with where its name and words come from.
// The service's error body has exactly three keys, `message` (Russian, for people), `description`
// (English) and `error` (the stable name a client switches on); the key order is the recorded one.
// Sources (docs/disk-emulator.md lists them in full):
//   [rec]  recorded answers in ivknv/yadisk tests/recorded/**.json (decoded from zlib+base64)
//   [qa]   a manual test plan run against the live API through Polygon (TC-1.3, TC-5.2 bodies)
//   [map]  the status → name table of ivknv/yadisk src/yadisk/utils.py (EXCEPTION_MAP)
//   [emu]  words of this emulator where no source records the text (name follows the HTTP reason)

export interface ApiError {
  status: number
  error: string
  description: string
  message: string
}

const err = (status: number, error: string, description: string, message: string): ApiError => ({ status, error, description, message })

/** 401 [rec test_check_token.json]: no token, a token of another kind, or a wrong token. */
export const unauthorized = (): ApiError => err(401, 'UnauthorizedError', 'Unauthorized', 'Не авторизован.')

/** 404 [rec test_mkdir_and_exists.json]. */
export const notFound = (): ApiError => err(404, 'DiskNotFoundError', 'Resource not found.', 'Не удалось найти запрошенный ресурс.')

/** 404 [rec test_check_token.json]; the double space is the service's own. */
export const operationNotFound = (): ApiError => err(404, 'DiskOperationNotFoundError', 'Operation not found.', 'Не удалось найти  операцию.')

/** 409 [rec test_makedirs_with_schema.json]: the parent is missing; it names the requested path itself. */
export const pathDoesntExist = (path: string): ApiError =>
  err(409, 'DiskPathDoesntExistsError', `Specified path "${path}" doesn't exists.`, `Указанного пути "${path}" не существует.`)

/** 409 [rec test_makedirs_with_schema.json, qa TC-1.3]: a folder is already there. */
export const pointsToExistentDirectory = (path: string): ApiError =>
  err(409, 'DiskPathPointsToExistentDirectoryError', `Specified path "${path}" points to existent directory.`, `По указанному пути "${path}" уже существует папка с таким именем.`)

/** 409 [qa TC-5.2, map]: something is already at the target and overwrite was not asked for. */
export const alreadyExists = (path: string): ApiError => err(409, 'DiskResourceAlreadyExistsError', `Resource "${path}" already exists.`, `Ресурс "${path}" уже существует.`)

/** 409 [emu]: a folder cannot be copied or moved into itself. */
export const intoItself = (path: string): ApiError =>
  err(409, 'DiskResourceAlreadyExistsError', `Cannot copy or move a folder into itself: "${path}".`, `Нельзя скопировать или переместить папку в саму себя: "${path}".`)

/** 409 [emu]: overwriting a folder that holds the source would delete the source. */
export const containsSource = (path: string): ApiError =>
  err(409, 'DiskResourceAlreadyExistsError', `Cannot overwrite "${path}": it contains the resource being copied or moved.`, `Нельзя перезаписать "${path}": в этой папке находится копируемый или перемещаемый ресурс.`)

/** 400 [map for the name, emu for the words]: a query parameter is missing or malformed. */
export const fieldValidation = (field: string, en: string, ru: string): ApiError =>
  err(400, 'FieldValidationError', `Error validating field "${field}": ${en}`, `Ошибка проверки поля "${field}": ${ru}`)

/** 423 [map for the name; the Russian words as a PHP client's error table quotes them]: another operation holds the resource. */
export const locked = (): ApiError => err(423, 'DiskResourceLockedError', 'Resource is locked.', 'Ресурс заблокирован. Возможно, над ним выполняется другая операция.')

/** 507 [emu: the HTTP reason phrase, as the recorded 401 uses its own]: the quota would be exceeded. */
export const insufficientStorage = (): ApiError => err(507, 'InsufficientStorageError', 'Insufficient Storage', 'Недостаточно свободного места.')

/** 413 [emu: the HTTP reason phrase]: bigger than max_file_size. */
export const payloadTooLarge = (): ApiError => err(413, 'PayloadTooLargeError', 'Payload Too Large', 'Загрузка файла недоступна. Файл слишком большой.')

/** 429 [emu, the reason phrase; map knows only the status]. */
export const tooManyRequests = (): ApiError => err(429, 'TooManyRequestsError', 'Too Many Requests', 'Слишком много запросов.')

/** 410 [emu]: an upload link that expired or was already used, a download link to an older revision. */
export const gone = (): ApiError => err(410, 'GoneError', 'Gone', 'Ссылка больше не действительна.')

/** 412 [emu; Java SDK RestClientIO.uploadFile lists 412]: resuming an upload (Content-Range) is not emulated. */
export const preconditionFailed = (): ApiError => err(412, 'PreconditionFailedError', 'Precondition Failed', 'Не выполнено условие запроса.')

/** 416 [emu; Java SDK RestClientIO.downloadUrl expects it]: a Range outside the file. */
export const rangeNotSatisfiable = (): ApiError => err(416, 'RangeNotSatisfiableError', 'Range Not Satisfiable', 'Запрошенный диапазон недоступен.')

/** 404 [emu]: a URL the emulator does not serve. */
export const noSuchEndpoint = (method: string, path: string): ApiError => err(404, 'NotFoundError', `Not Found: ${method} ${path} is not part of the emulated API.`, 'Не найдено.')

/** 405 [emu]: a known URL with a method it does not take. */
export const methodNotAllowed = (method: string, allowed: string): ApiError => err(405, 'MethodNotAllowedError', `Method Not Allowed: ${method} (use ${allowed}).`, 'Метод не поддерживается.')

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** An error for an injected status (faults): the named ones above, otherwise `<Reason>Error` [emu]. */
export function injected(status: number): ApiError {
  if (status === 423) return locked()
  if (status === 429) return tooManyRequests()
  if (status === 507) return insufficientStorage()
  if (status === 413) return payloadTooLarge()
  const reason = REASONS[status] ?? `Status ${status}`
  const name = reason.replace(/ /g, '').replace(/(Error)?$/, 'Error')
  return err(status, name, reason, status >= 500 ? 'Сервис временно недоступен.' : 'Ошибка запроса.')
}

/**
 * What the download and upload hosts (nginx) answer a 5xx with [rec test_download_by_link_error.json]:
 * an HTML page, not the JSON triple.
 */
export function nginxPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`
}
