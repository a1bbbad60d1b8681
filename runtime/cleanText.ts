// Text that came from a node (its lines, logs, errors, output) before anyone shows it: control
// characters (terminal escapes among them) removed, newlines and tabs kept, and the length capped.

/** Longest text a node may put in one line, log record or error; longer is cut, not refused. */
export const MAX_TEXT = 16 * 1024

/** Control characters (but newlines and tabs) removed, and at most `max` characters kept. */
export function cleanText(text: string, max = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
  return clean.length > max ? `${clean.slice(0, max)}… (${clean.length - max} more characters)` : clean
}
