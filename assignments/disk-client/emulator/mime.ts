// `mime_type` and `media_type` by file name, as the service guesses them. Recorded: `.txt` is
// text/plain + document (yadisk test_copy.json), an unknown kind is application/octet-stream + data
// (test_download_by_link_error.json). The media type names are the docs' list (reference/all-files).
const BY_EXTENSION: Record<string, [mime: string, media: string]> = {
  txt: ['text/plain', 'document'],
  md: ['text/markdown', 'document'],
  csv: ['text/csv', 'spreadsheet'],
  json: ['application/json', 'development'],
  html: ['text/html', 'web'],
  pdf: ['application/pdf', 'document'],
  doc: ['application/msword', 'document'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'spreadsheet'],
  png: ['image/png', 'image'],
  jpg: ['image/jpeg', 'image'],
  jpeg: ['image/jpeg', 'image'],
  gif: ['image/gif', 'image'],
  mp3: ['audio/mpeg', 'audio'],
  mp4: ['video/mp4', 'video'],
  avi: ['video/x-msvideo', 'video'],
  zip: ['application/zip', 'compressed'],
  gz: ['application/gzip', 'compressed'],
  py: ['text/x-python', 'development'],
  ts: ['text/x-typescript', 'development'],
  js: ['text/javascript', 'development'],
}

const UNKNOWN: [string, string] = ['application/octet-stream', 'data']

export function guessType(name: string): { mimeType: string; mediaType: string } {
  const dot = name.lastIndexOf('.')
  const [mimeType, mediaType] = (dot > 0 && BY_EXTENSION[name.slice(dot + 1).toLowerCase()]) || UNKNOWN
  return { mimeType, mediaType }
}
